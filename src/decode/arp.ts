import { L3 } from './decoded-packet.js';
import type { DecodeState } from './decode-state.js';
import { LAYER } from './layers.js';

/** Fixed ARP header (RFC 826): hardware type 2, protocol type 2, hardware length 1, protocol length 1, opcode 2. */
const FIXED = 8;

/** Decodes an ARP or RARP (RFC 903, same layout) packet: checks that both address pairs are captured. */
export function decodeArp(s: DecodeState, off: number): void {
  const p = s.p;
  if (p.outerL3 === L3.NONE) p.outerL3 = L3.ARP;
  if (!s.need(LAYER.ARP, off, FIXED)) return;
  const d = s.data;
  s.need(LAYER.ARP, off, FIXED + 2 * (d[off + 4] + d[off + 5]));
}
