import type { DecodeState } from './decode-state.js';
import { LAYER } from './layers.js';
import { decodePpp } from './ppp.js';
import { REASON } from './reasons.js';

/** PPPoE header (RFC 2516 §4): VER 4 + TYPE 4, CODE 8, SESSION_ID 16, LENGTH 16. */
const PPPOE_HEADER = 6;
/** VER = 1 and TYPE = 1 (RFC 2516 §4). */
const VER_TYPE = 0x11;

/** Decodes a PPPoE session-stage header and the PPP frame it carries. */
export function decodePppoe(s: DecodeState, off: number): void {
  if (!s.need(LAYER.PPPOE, off, PPPOE_HEADER)) return;
  const verType = s.data[off];
  if (verType !== VER_TYPE) {
    s.fail(LAYER.PPPOE, REASON.BAD_VERSION, off, VER_TYPE, verType);
    return;
  }
  // LENGTH counts the PPP frame; anything after it is Ethernet padding.
  const frameEnd = off + PPPOE_HEADER + s.u16(off + 4);
  if (frameEnd < s.end) s.end = frameEnd;
  decodePpp(s, off + PPPOE_HEADER);
}
