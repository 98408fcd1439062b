import type { DecodeState } from './decode-state.js';
import { dispatchEthertype } from './dispatch.js';
import { ENCAP } from './encaps.js';
import { LAYER } from './layers.js';

/** Fixed Geneve header (RFC 8926 §3.4): version 2 + option length 6, flags 8, protocol type 16, VNI 24, reserved 8. */
const FIXED = 8;

/** Decodes a Geneve header with its options and the packet it carries; false when the version is not 0. */
export function probeGeneve(s: DecodeState, off: number): boolean {
  if (!s.need(LAYER.GENEVE, off, FIXED)) return true;
  const first = s.data[off];
  if (first >> 6 !== 0) return false;
  // Option length counts 4-byte words (RFC 8926 §3.4).
  const length = FIXED + (first & 0x3f) * 4;
  if (!s.need(LAYER.GENEVE, off, length)) return true;
  if (s.tunnel(LAYER.GENEVE, ENCAP.GENEVE, off)) dispatchEthertype(s, s.u16(off + 2), off + length);
  return true;
}
