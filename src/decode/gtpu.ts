import type { DecodeState } from './decode-state.js';
import { dispatchEthertype } from './dispatch.js';
import { ENCAP } from './encaps.js';
import { ETHERTYPE } from './ethertypes.js';
import { LAYER } from './layers.js';
import { REASON } from './reasons.js';

// GTPv1-U header (3GPP TS 29.281 §5.1): flags 1 (version 3, PT 1, spare 1, E 1, S 1, PN 1),
// message type 1, length 2, TEID 4; then sequence 2, N-PDU 1 and next extension type 1
// when any of E, S, PN is set.
/** Mandatory header. */
const FIXED = 8;
/** Optional sequence / N-PDU / next-extension words. */
const OPTIONAL = 4;
/** Version 1 with PT = 1 (GTP, not GTP'). */
const VERSION_PT = 0x30;
const VERSION_PT_MASK = 0xf0;
/** Any of E, S, PN. */
const OPTIONAL_FLAGS = 0x07;
/** G-PDU: the message carries a user packet (TS 29.281 §6.1). */
const G_PDU = 0xff;

/**
 * Decodes a GTP-U header with its extension headers and the IP packet of a
 * G-PDU; false when the flags are not GTPv1-U. Other message types (echo,
 * error indication, end marker) end decoding without error.
 */
export function probeGtpu(s: DecodeState, off: number): boolean {
  if (!s.need(LAYER.GTPU, off, FIXED)) return true;
  const d = s.data;
  const flags = d[off];
  if ((flags & VERSION_PT_MASK) !== VERSION_PT) return false;
  if (d[off + 1] !== G_PDU) return true;
  let pos = off + FIXED;
  if (flags & OPTIONAL_FLAGS) {
    if (!s.need(LAYER.GTPU, pos, OPTIONAL)) return true;
    let next = d[pos + 3];
    pos += OPTIONAL;
    // Extension headers (TS 29.281 §5.2): length in 4-byte units, next type in the last byte.
    while (next !== 0) {
      if (!s.push(LAYER.GTPU, pos) || !s.need(LAYER.GTPU, pos, 1)) return true;
      const length = d[pos] * 4;
      if (length === 0) {
        s.fail(LAYER.GTPU, REASON.BAD_EXTENSION_HEADER, pos, 4, 0);
        return true;
      }
      if (!s.need(LAYER.GTPU, pos, length)) return true;
      next = d[pos + length - 1];
      pos += length;
    }
  }
  if (!s.tunnel(LAYER.GTPU, ENCAP.GTPU, off) || pos >= s.end) return true;
  const version = d[pos] >> 4;
  if (version === 4) dispatchEthertype(s, ETHERTYPE.IPV4, pos);
  else if (version === 6) dispatchEthertype(s, ETHERTYPE.IPV6, pos);
  return true;
}
