import type { DecodeState } from './decode-state.js';
import { dispatchEthertype } from './dispatch.js';
import { LAYER } from './layers.js';

/** Cisco MetaData header (as Wireshark's packet-cmd.c reads it): version 1, length 1, option 2, SGT 2, EtherType 2. */
const HEADER = 8;

/** Decodes a Cisco MetaData (SGT) header and the packet named by its inner EtherType; it counts as a stacked header. */
export function decodeCiscoMetadata(s: DecodeState, off: number): void {
  if (!s.push(LAYER.CISCO_METADATA, off) || !s.need(LAYER.CISCO_METADATA, off, HEADER)) return;
  dispatchEthertype(s, s.u16(off + 6), off + HEADER);
}
