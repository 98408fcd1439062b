import type { DecodeState } from './decode-state.js';
import { dispatchEthertype } from './dispatch.js';
import { ETHERTYPE } from './ethertypes.js';
import { LAYER } from './layers.js';

/** PPP address and control bytes (RFC 1662 §3.1); may be omitted (ACFC, RFC 1661 §6.6). */
const PPP_ADDRESS = 0xff;
/** PPP protocol: IPv4 (RFC 1332 §2). */
const PPP_IPV4 = 0x0021;
/** PPP protocol: IPv6 (RFC 5072 §3). */
const PPP_IPV6 = 0x0057;

/** Decodes a PPP header (optional address/control, 1- or 2-byte protocol) and the IP packet it carries. */
export function decodePpp(s: DecodeState, off: number): void {
  const d = s.data;
  if (!s.need(LAYER.PPP, off, 1)) return;
  if (d[off] === PPP_ADDRESS) {
    // Address, control and at least one protocol byte.
    if (!s.need(LAYER.PPP, off, 3)) return;
    off += 2;
  }
  let proto: number;
  // Protocol values are odd in the low byte and even in the high byte (RFC 1661 §2), so an
  // odd first byte is a compressed one-byte field (PFC, RFC 1661 §6.5).
  if (d[off] & 1) {
    proto = d[off];
    off += 1;
  } else {
    if (!s.need(LAYER.PPP, off, 2)) return;
    proto = s.u16(off);
    off += 2;
  }
  if (proto === PPP_IPV4) dispatchEthertype(s, ETHERTYPE.IPV4, off);
  else if (proto === PPP_IPV6) dispatchEthertype(s, ETHERTYPE.IPV6, off);
}
