import type { DecodeState } from './decode-state.js';
import { dispatchEthertype } from './dispatch.js';
import { ENCAP } from './encaps.js';
import { LAYER } from './layers.js';
import { REASON } from './reasons.js';

// Flag bits of the first GRE byte (RFC 1701 §2.1; RFC 2784 keeps C, RFC 2890 adds K and S back).
/** Checksum present. */
const FLAG_C = 0x80;
/** Routing present (RFC 1701 only). */
const FLAG_R = 0x40;
/** Key present. */
const FLAG_K = 0x20;
/** Sequence number present. */
const FLAG_S = 0x10;
/** Acknowledgment present: high bit of the second byte in enhanced GRE (RFC 2637 §4.1). */
const FLAG_A = 0x80;
/** Fixed header: flags 1, flags+version 1, protocol type 2. */
const FIXED = 4;
/** Source Route Entry header (RFC 1701 §2.2): address family 2, SRE offset 1, SRE length 1. */
const SRE_HEADER = 4;

/**
 * Decodes a GRE header, version 0 (RFC 2784/2890, with RFC 1701 routing) or
 * version 1 (PPTP enhanced GRE, RFC 2637), and the packet it carries.
 */
export function decodeGre(s: DecodeState, off: number): void {
  if (!s.need(LAYER.GRE, off, FIXED)) return;
  const d = s.data;
  const flags = d[off];
  const version = d[off + 1] & 0x07;
  let pos = off + FIXED;
  if (version === 0) {
    if (flags & (FLAG_C | FLAG_R)) pos += 4;
    if (flags & FLAG_K) pos += 4;
    if (flags & FLAG_S) pos += 4;
  } else if (version === 1) {
    // Enhanced GRE always carries the key (payload length + call id).
    pos += 4;
    if (flags & FLAG_S) pos += 4;
    if (d[off + 1] & FLAG_A) pos += 4;
  } else {
    s.fail(LAYER.GRE, REASON.BAD_VERSION, off, 1, version);
    return;
  }
  if (!s.need(LAYER.GRE, off, pos - off)) return;
  if (version === 0 && flags & FLAG_R) {
    // The SRE list ends with an entry of family 0 and length 0.
    for (;;) {
      if (!s.push(LAYER.GRE, pos) || !s.need(LAYER.GRE, pos, SRE_HEADER)) return;
      const length = d[pos + 3];
      if (!s.need(LAYER.GRE, pos, SRE_HEADER + length)) return;
      const last = length === 0 && s.u16(pos) === 0;
      pos += SRE_HEADER + length;
      if (last) break;
    }
  }
  if (!s.tunnel(LAYER.GRE, ENCAP.GRE, off)) return;
  dispatchEthertype(s, s.u16(off + 2), pos);
}
