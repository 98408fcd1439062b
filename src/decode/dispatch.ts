import type { DecodeState } from './decode-state.js';

/** Decodes one layer starting at `off`, then hands the rest to the next layer. */
export type LayerDecoder = (s: DecodeState, off: number) => void;

/**
 * Decodes a UDP payload at `off` as a tunnel when it looks like one; returns
 * false (touching nothing) when the payload is not that tunnel.
 */
export type TunnelProbe = (s: DecodeState, off: number) => boolean;

/** LINKTYPE_* value → decoder of the link header (filled by registry.ts). */
export const LINKTYPES: (LayerDecoder | undefined)[] = new Array(65536).fill(undefined);
/** EtherType → decoder of the header it names (filled by registry.ts). */
export const ETHERTYPES: (LayerDecoder | undefined)[] = new Array(65536).fill(undefined);
/** IP protocol number → decoder of the header it names (filled by registry.ts). */
export const IP_PROTOCOLS: (LayerDecoder | undefined)[] = new Array(256).fill(undefined);
/** UDP port → tunnel probe for its payload (filled by registry.ts). */
export const UDP_PORTS: (TunnelProbe | undefined)[] = new Array(65536).fill(undefined);

/** Hands the bytes at `off` to the decoder of `etherType`; unknown types end decoding without error. */
export function dispatchEthertype(s: DecodeState, etherType: number, off: number): void {
  const next = ETHERTYPES[etherType];
  if (next !== undefined) next(s, off);
}

/** Hands the bytes at `off` to the decoder of IP protocol `proto`; unknown protocols end decoding without error. */
export function dispatchIpProto(s: DecodeState, proto: number, off: number): void {
  const next = IP_PROTOCOLS[proto];
  if (next !== undefined) next(s, off);
}

/** Tries the tunnel registered for the destination port, then the source port; true when one decoded the payload. */
export function dispatchUdpPorts(s: DecodeState, srcPort: number, dstPort: number, off: number): boolean {
  const byDst = UDP_PORTS[dstPort];
  if (byDst?.(s, off)) return true;
  const bySrc = UDP_PORTS[srcPort];
  return bySrc !== undefined && bySrc !== byDst && bySrc(s, off);
}
