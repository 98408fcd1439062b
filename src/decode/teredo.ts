import type { DecodeState } from './decode-state.js';
import { dispatchEthertype } from './dispatch.js';
import { ENCAP } from './encaps.js';
import { ETHERTYPE } from './ethertypes.js';
import { LAYER } from './layers.js';

// Teredo (RFC 4380 §5.1.1): optional authentication (0x0001) and origin
// indication (0x0000) headers, then an IPv6 packet.
/** Authentication indicator type, and its fixed part: type 2, ID-len 1, AU-len 1, nonce 8, confirmation 1. */
const AUTH_TYPE = 0x0001;
const AUTH_FIXED = 13;
/** Origin indication: type 2, obfuscated port 2, obfuscated address 4. */
const ORIGIN_TYPE = 0x0000;
const ORIGIN_LENGTH = 8;
/** Fixed IPv6 header (RFC 8200 §3). */
const IPV6_HEADER = 40;

/** Decodes Teredo indicators and the IPv6 packet they precede; false when no IPv6 header follows. */
export function probeTeredo(s: DecodeState, off: number): boolean {
  const d = s.data;
  let pos = off;
  if (pos + 2 <= s.end && s.u16(pos) === AUTH_TYPE) {
    if (pos + 4 > s.end) return false;
    pos += AUTH_FIXED + d[pos + 2] + d[pos + 3];
  }
  if (pos + 2 <= s.end && s.u16(pos) === ORIGIN_TYPE) pos += ORIGIN_LENGTH;
  if (pos + IPV6_HEADER > s.end || d[pos] >> 4 !== 6) return false;
  if (s.tunnel(LAYER.TEREDO, ENCAP.TEREDO, off)) dispatchEthertype(s, ETHERTYPE.IPV6, pos);
  return true;
}
