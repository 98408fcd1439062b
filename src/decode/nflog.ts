import type { DecodeState } from './decode-state.js';
import { dispatchEthertype } from './dispatch.js';
import { ETHERTYPE } from './ethertypes.js';
import { LAYER } from './layers.js';
import { REASON } from './reasons.js';

// Layout from https://www.tcpdump.org/linktypes/LINKTYPE_NFLOG.html: a 4-byte
// header (family 1, version 1, resource id 2) then TLVs whose length (which
// includes the 4-byte TLV header) and type are in the capturing host's byte
// order (little-endian on every Linux capture we know of), each padded to 4.
/** NFLOG header length. */
const NFLOG_HEADER = 4;
/** TLV header length. */
const TLV_HEADER = 4;
/** TLV type of the packet payload. */
const NFULA_PAYLOAD = 9;
/** Netlink attribute flag bits that are not part of the type (NLA_F_NESTED, NLA_F_NET_BYTEORDER). */
const NLA_TYPE_MASK = 0x3fff;
/** Linux AF_INET. */
const AF_INET = 2;
/** Linux AF_INET6. */
const AF_INET6 = 10;

/** Decodes an NFLOG header, walks its TLVs to NFULA_PAYLOAD and decodes the IP packet there. */
export function decodeNflog(s: DecodeState, off: number): void {
  if (!s.need(LAYER.NFLOG, off, NFLOG_HEADER)) return;
  const d = s.data;
  const family = d[off];
  let tlv = off + NFLOG_HEADER;
  while (tlv + TLV_HEADER <= s.end) {
    const length = d[tlv] | (d[tlv + 1] << 8);
    const type = (d[tlv + 2] | (d[tlv + 3] << 8)) & NLA_TYPE_MASK;
    if (length < TLV_HEADER) {
      s.fail(LAYER.NFLOG, REASON.BAD_TLV, tlv, TLV_HEADER, length);
      return;
    }
    if (type === NFULA_PAYLOAD) {
      if (tlv + length < s.end) s.end = tlv + length;
      if (family === AF_INET) dispatchEthertype(s, ETHERTYPE.IPV4, tlv + TLV_HEADER);
      else if (family === AF_INET6) dispatchEthertype(s, ETHERTYPE.IPV6, tlv + TLV_HEADER);
      return;
    }
    tlv += (length + 3) & ~3;
  }
}
