import type { DecodeState } from './decode-state.js';
import { dispatchEthertype } from './dispatch.js';
import { LAYER } from './layers.js';

/**
 * Linux cooked header v1 (https://www.tcpdump.org/linktypes/LINKTYPE_LINUX_SLL.html):
 * packet type 2, ARPHRD type 2, address length 2, address 8, protocol 2.
 */
const SLL_HEADER = 16;
/** Protocol values below this are Linux pseudo-protocols (802.2 LLC, CAN, ...), not EtherTypes. */
const MIN_ETHERTYPE = 0x0600;

/** Decodes a Linux cooked (SLL) header; non-EtherType protocols end decoding without error. */
export function decodeSll(s: DecodeState, off: number): void {
  if (!s.need(LAYER.SLL, off, SLL_HEADER)) return;
  const proto = s.u16(off + 14);
  if (proto >= MIN_ETHERTYPE) dispatchEthertype(s, proto, off + SLL_HEADER);
}
