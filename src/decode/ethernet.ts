import type { DecodeState } from './decode-state.js';
import { dispatchEthertype } from './dispatch.js';
import { LAYER } from './layers.js';

/** Ethernet II header (IEEE 802.3 §3.2): destination 6, source 6, EtherType-or-length 2. */
const ETHERNET_HEADER = 14;
/** Type/length values below this are 802.3 lengths, not EtherTypes (IEEE 802.3 §3.2.6). */
const MIN_ETHERTYPE = 0x0600;

/** Decodes an Ethernet II header; 802.3/LLC frames end decoding without error. */
export function decodeEthernet(s: DecodeState, off: number): void {
  if (!s.need(LAYER.ETHERNET, off, ETHERNET_HEADER)) return;
  const type = s.u16(off + 12);
  if (type >= MIN_ETHERTYPE) dispatchEthertype(s, type, off + ETHERNET_HEADER);
}

/**
 * Decodes an Ethernet frame carried by another header (EtherType 0x6558, TEB).
 * It counts as a stacked header: frames nested this way recurse, so without the
 * depth limit a long enough packet would overflow the stack.
 */
export function decodeBridgedEthernet(s: DecodeState, off: number): void {
  if (s.push(LAYER.ETHERNET, off)) decodeEthernet(s, off);
}
