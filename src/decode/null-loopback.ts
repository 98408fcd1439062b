import type { DecodeState } from './decode-state.js';
import { dispatchEthertype } from './dispatch.js';
import { ETHERTYPE } from './ethertypes.js';
import { LAYER } from './layers.js';

/** BSD loopback header: a 4-byte address family (https://www.tcpdump.org/linktypes/LINKTYPE_NULL.html). */
const NULL_HEADER = 4;
/** AF_INET on every BSD. */
const AF_INET = 2;
/** AF_INET6 on OpenBSD/NetBSD (24), FreeBSD/DragonFly (28) and Darwin (30). */
const AF_INET6_OPENBSD = 24;
const AF_INET6_FREEBSD = 28;
const AF_INET6_DARWIN = 30;

/**
 * Decodes DLT_NULL (LINKTYPE 0), whose family is in the capturing host's byte
 * order. Families are small, so a value whose first two bytes are zero is
 * big-endian and any other is little-endian.
 */
export function decodeNull(s: DecodeState, off: number): void {
  if (!s.need(LAYER.NULL, off, NULL_HEADER)) return;
  const d = s.data;
  const family = d[off] === 0 && d[off + 1] === 0 ? s.u16(off + 2) : d[off] | (d[off + 1] << 8);
  dispatchFamily(s, family, off + NULL_HEADER);
}

/** Decodes DLT_LOOP (LINKTYPE 108), whose family is always big-endian. */
export function decodeLoop(s: DecodeState, off: number): void {
  if (!s.need(LAYER.NULL, off, NULL_HEADER)) return;
  dispatchFamily(s, s.u32(off), off + NULL_HEADER);
}

/** Hands the payload to IPv4 or IPv6; other families end decoding without error. */
function dispatchFamily(s: DecodeState, family: number, off: number): void {
  if (family === AF_INET) dispatchEthertype(s, ETHERTYPE.IPV4, off);
  else if (family === AF_INET6_OPENBSD || family === AF_INET6_FREEBSD || family === AF_INET6_DARWIN) {
    dispatchEthertype(s, ETHERTYPE.IPV6, off);
  }
}
