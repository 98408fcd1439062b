/** Why flows leave the table, in reason-id order; also the `reason` label values of the flow evictions counter. */
export const END_REASONS = ['idle_timeout', 'active_timeout', 'tcp_close', 'table_full', 'shutdown'] as const;

/** Why a flow left the table. */
export type FlowEndReason = (typeof END_REASONS)[number];

/** TCP flag bits recorded on a flow (`FlowRecord.flags`). */
export const FLOW_FLAG = { SYN: 1, SYNACK: 2, FIN: 4, RST: 8, ACK: 16 } as const;

/**
 * A finished bidirectional flow. "Forward" is the direction of the first
 * packet seen (the initiator); "reverse" is the responder's direction.
 * The table reuses one record for every flow it ends, so a record is valid
 * only during the `flowEnded` call; copy what must outlive it.
 */
export interface FlowRecord {
  /** 4 or 6. */
  ipVersion: number;
  /** Initiator address words, laid out as `DecodedPacket.src` (IPv4 in word 0, unused words zero). */
  readonly src: Uint32Array;
  /** Responder address words, laid out as `src`. */
  readonly dst: Uint32Array;
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

/** The next stage after the flow table: told of every flow that leaves it. */
export interface FlowSink {
  /** Called once for every flow that leaves the table; `slot` (the one `FlowTable.update` returned for its packets) is free from now on. */
  flowEnded(slot: number, flow: FlowRecord): void;
}
