import type { DecodeState } from './decode-state.js';
import { dispatchEthertype } from './dispatch.js';
import { ETHERTYPE } from './ethertypes.js';
import { LAYER } from './layers.js';

/** One label stack entry (RFC 3032 §2.1): label 20, TC 3, bottom-of-stack 1, TTL 8. */
const LABEL_LENGTH = 4;

/**
 * Decodes an MPLS label stack. The payload type is not signalled (RFC 3032
 * §2.2), so after the bottom of stack the first nibble picks IPv4 or IPv6;
 * anything else ends decoding without error.
 */
export function decodeMpls(s: DecodeState, off: number): void {
  const d = s.data;
  let bottom = 0;
  while (bottom === 0) {
    if (!s.push(LAYER.MPLS, off) || !s.need(LAYER.MPLS, off, LABEL_LENGTH)) return;
    s.p.mplsLabels++;
    bottom = d[off + 2] & 0x01;
    off += LABEL_LENGTH;
  }
  if (off >= s.end) return;
  const version = d[off] >> 4;
  if (version === 4) dispatchEthertype(s, ETHERTYPE.IPV4, off);
  else if (version === 6) dispatchEthertype(s, ETHERTYPE.IPV6, off);
}
