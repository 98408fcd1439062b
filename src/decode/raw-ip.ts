import type { DecodeState } from './decode-state.js';
import { dispatchEthertype } from './dispatch.js';
import { ETHERTYPE } from './ethertypes.js';
import { LAYER } from './layers.js';
import { REASON } from './reasons.js';

/** Decodes a bare IP packet (LINKTYPE_RAW 101, DLT_RAW 12/14), choosing IPv4 or IPv6 by the version nibble. */
export function decodeRawIp(s: DecodeState, off: number): void {
  if (!s.need(LAYER.LINK, off, 1)) return;
  const version = s.data[off] >> 4;
  if (version === 4) dispatchEthertype(s, ETHERTYPE.IPV4, off);
  else if (version === 6) dispatchEthertype(s, ETHERTYPE.IPV6, off);
  else s.fail(LAYER.LINK, REASON.BAD_VERSION, off, 4, version);
}
