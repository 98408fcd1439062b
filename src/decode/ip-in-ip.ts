import type { DecodeState } from './decode-state.js';
import { dispatchEthertype } from './dispatch.js';
import { ENCAP } from './encaps.js';
import { ETHERTYPE } from './ethertypes.js';
import { LAYER } from './layers.js';

/** Decodes IPv4 carried as IP protocol 4 (RFC 2003 in IPv4, RFC 2473 in IPv6). */
export function decodeIpv4InIp(s: DecodeState, off: number): void {
  // The enclosing header has just set ipVersion.
  const encap = s.p.ipVersion === 6 ? ENCAP.FOUR_IN_SIX : ENCAP.IPIP;
  if (s.tunnel(LAYER.IPV4, encap, off)) dispatchEthertype(s, ETHERTYPE.IPV4, off);
}

/** Decodes IPv6 carried as IP protocol 41 (RFC 4213 §3.5 in IPv4, RFC 2473 in IPv6). */
export function decodeIpv6InIp(s: DecodeState, off: number): void {
  const encap = s.p.ipVersion === 6 ? ENCAP.SIX_IN_SIX : ENCAP.SIX_IN_FOUR;
  if (s.tunnel(LAYER.IPV6, encap, off)) dispatchEthertype(s, ETHERTYPE.IPV6, off);
}
