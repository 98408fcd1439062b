/** Why a flow left the table. */
export type FlowEndReason = 'idle' | 'active' | 'tcp_end' | 'evicted' | 'flush';

/** TCP flag bits recorded on a flow (`FlowRecord.flags`). */
export const FLOW_FLAG = { SYN: 1, SYNACK: 2, FIN: 4, RST: 8, ACK: 16 } as const;

/**
 * A finished bidirectional flow. "Forward" is the direction of the first
 * packet seen (the initiator); "reverse" is the responder's direction.
 * Objects are allocated once per finished flow, never per packet.
 */
export interface FlowRecord {
  /** 4 or 6. */
  ipVersion: number;
  /** Initiator address in text form. */
  src: string;
  /** Responder address in text form. */
  dst: string;
  /** IP protocol number. */
  proto: number;
  /** Initiator port (TCP/UDP), or ICMP type for ICMP flows. */
  srcPort: number;
  /** Responder port (TCP/UDP), or ICMP identifier for ICMP flows. */
  dstPort: number;
  /** Packets from initiator to responder. */
  fwdPackets: number;
  /** Wire bytes from initiator to responder. */
  fwdBytes: number;
  /** Packets from responder to initiator. */
  revPackets: number;
  /** Wire bytes from responder to initiator. */
  revBytes: number;
  /** Timestamp of the first packet, in seconds since the epoch. */
  first: number;
  /** Timestamp of the last packet, in seconds since the epoch. */
  last: number;
  /** FLOW_FLAG bits seen in either direction: SYN (without ACK), SYNACK, FIN, RST, and ACK (without SYN). */
  flags: number;
  /** Why the flow ended. */
  reason: FlowEndReason;
}

/** The next stage after the flow table (features, in the scoring issue). */
export interface FlowSink {
  /** Called once for every flow that leaves the table. */
  flowEnded(flow: FlowRecord): void;
}
