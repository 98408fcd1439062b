import type { DecodeState } from './decode-state.js';
import { dispatchEthertype } from './dispatch.js';
import { LAYER } from './layers.js';

/** 802.1Q / 802.1ad tag after its TPID (IEEE 802.1Q §9.6): TCI 2, inner EtherType 2. */
const TAG_LENGTH = 4;

/** Decodes one 802.1Q / 802.1ad tag (the TPID was the previous EtherType) and counts it. */
export function decodeVlan(s: DecodeState, off: number): void {
  s.p.vlanTags++;
  if (!s.push(LAYER.VLAN, off) || !s.need(LAYER.VLAN, off, TAG_LENGTH)) return;
  dispatchEthertype(s, s.u16(off + 2), off + TAG_LENGTH);
}
