import type { DecodeState } from './decode-state.js';
import { dispatchEthertype } from './dispatch.js';
import { LAYER } from './layers.js';

/**
 * Linux cooked header v2 (https://www.tcpdump.org/linktypes/LINKTYPE_LINUX_SLL2.html):
 * protocol 2, reserved 2, interface index 4, ARPHRD type 2, packet type 1, address length 1, address 8.
 */
const SLL2_HEADER = 20;
/** Protocol values below this are Linux pseudo-protocols, not EtherTypes. */
const MIN_ETHERTYPE = 0x0600;

/** Decodes a Linux cooked v2 (SLL2) header; non-EtherType protocols end decoding without error. */
export function decodeSll2(s: DecodeState, off: number): void {
  if (!s.need(LAYER.SLL2, off, SLL2_HEADER)) return;
  const proto = s.u16(off);
  if (proto >= MIN_ETHERTYPE) dispatchEthertype(s, proto, off + SLL2_HEADER);
}
