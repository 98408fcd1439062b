import type { DecodeState } from './decode-state.js';
import { dispatchEthertype } from './dispatch.js';
import { ENCAP } from './encaps.js';
import { ETHERTYPE } from './ethertypes.js';
import { LAYER } from './layers.js';

/** VXLAN header (RFC 7348 §5): flags 1, reserved 3, VNI 3, reserved 1. */
const HEADER = 8;
/** The I flag, which must be set for a valid VNI (RFC 7348 §5). */
const FLAG_I = 0x08;

/** Decodes a VXLAN header and the Ethernet frame it carries; false when the I flag is clear (not VXLAN). */
export function probeVxlan(s: DecodeState, off: number): boolean {
  if (!s.need(LAYER.VXLAN, off, HEADER)) return true;
  if ((s.data[off] & FLAG_I) === 0) return false;
  if (s.tunnel(LAYER.VXLAN, ENCAP.VXLAN, off)) dispatchEthertype(s, ETHERTYPE.TEB, off + HEADER);
  return true;
}
