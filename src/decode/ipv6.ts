import { L3 } from './decoded-packet.js';
import type { DecodeState } from './decode-state.js';
import { dispatchIpProto } from './dispatch.js';
import { IP_PROTO, isTransport } from './ip-protocols.js';
import { LAYER } from './layers.js';
import { REASON } from './reasons.js';

/** Fixed IPv6 header (RFC 8200 §3). */
const HEADER = 40;
/** Fragment header length (RFC 8200 §4.5). */
const FRAGMENT_HEADER = 8;
/** Fragment-offset word: 13-bit offset in 8-byte units, then the M flag (RFC 8200 §4.5). */
const OFFSET_MASK = 0xfff8;
const FLAG_M = 0x0001;
/** Largest packet a fragment may belong to (RFC 8200 §4.5). */
const MAX_DATAGRAM = 65535;

/**
 * Decodes an IPv6 header and its extension-header chain, then the transport
 * header of first fragments. A payload length of 0 (jumbogram, RFC 2675, or
 * TSO) means the capture holds the whole packet.
 */
export function decodeIpv6(s: DecodeState, off: number): void {
  const d = s.data;
  const p = s.p;
  if (!s.need(LAYER.IPV6, off, 1)) return;
  const version = d[off] >> 4;
  if (version !== 6) {
    s.fail(LAYER.IPV6, REASON.BAD_VERSION, off, 6, version);
    return;
  }
  const outer = p.outerL3 === L3.NONE;
  if (outer) p.outerL3 = L3.IPV6;
  if (!s.need(LAYER.IPV6, off, HEADER)) return;
  const payloadLength = s.u16(off + 4);
  const declaredEnd = payloadLength === 0 ? s.end : off + HEADER + payloadLength;
  if (declaredEnd < s.end) s.end = declaredEnd;
  s.ipEnd = declaredEnd;

  // tshark's outermost view stops at AH: only "ipv6.*" extension headers lie between IPv6 and its L4.
  let outerChain = outer;
  let next = d[off + 6];
  let pos = off + HEADER;
  s.enterIp(6, next, pos);
  for (let i = 0; i < 4; i++) {
    p.src[i] = s.u32(off + 8 + 4 * i);
    p.dst[i] = s.u32(off + 24 + 4 * i);
  }

  for (;;) {
    const kind = next;
    let length: number;
    if (kind === IP_PROTO.IPV6_FRAG) {
      length = FRAGMENT_HEADER;
    } else if (kind === IP_PROTO.AH) {
      // AH counts 4-byte units minus 2 (RFC 4302 §2.2).
      if (!needExtension(s, pos, 2)) return;
      length = (d[pos + 1] + 2) * 4;
    } else if (
      kind === IP_PROTO.HOPOPT ||
      kind === IP_PROTO.IPV6_ROUTE ||
      kind === IP_PROTO.IPV6_OPTS ||
      kind === IP_PROTO.MOBILITY ||
      kind === IP_PROTO.HIP ||
      kind === IP_PROTO.SHIM6
    ) {
      // These count 8-byte units minus 1 (RFC 8200 §4.3-4.6, RFC 6275 §6.1.1, RFC 7401 §5.1, RFC 5533 §5.1).
      if (!needExtension(s, pos, 2)) return;
      length = (d[pos + 1] + 1) * 8;
    } else {
      break;
    }
    if (!s.push(LAYER.IPV6, pos) || !needExtension(s, pos, length)) return;
    if ((kind === IP_PROTO.HOPOPT || kind === IP_PROTO.IPV6_OPTS) && !checkOptions(s, pos + 2, pos + length)) return;
    if (kind === IP_PROTO.AH) outerChain = false;
    next = d[pos];
    if (kind === IP_PROTO.IPV6_FRAG) {
      const word = s.u16(pos + 2);
      const fragOffset = word & OFFSET_MASK;
      if (fragOffset !== 0 || (word & FLAG_M) !== 0) {
        p.fragment = fragOffset === 0 ? 1 : 2;
        const fragLength = s.ipEnd - pos - FRAGMENT_HEADER;
        // RFC 2675 §3 forbids fragmenting jumbograms; RFC 8200 §4.5 requires 8-byte multiples
        // in all but the last fragment and no fragment past 65535.
        if (payloadLength === 0 || ((word & FLAG_M) !== 0 && (fragLength & 7) !== 0) || fragOffset + fragLength > MAX_DATAGRAM) {
          s.fail(LAYER.IPV6, REASON.BAD_FRAGMENT, pos, fragOffset, fragLength);
          return;
        }
        if (fragOffset !== 0) {
          p.ipProto = next;
          s.setPayload(pos + FRAGMENT_HEADER);
          return;
        }
      }
    }
    pos += length;
  }
  p.ipProto = next;
  s.setPayload(pos);
  // tshark hands an empty payload to no transport dissector.
  if (outerChain && s.ipEnd > pos && isTransport(next)) p.outerL4 = next;
  dispatchIpProto(s, next, pos);
}

/**
 * Checks that an extension header of `length` bytes at `off` fits: past the
 * declared payload length it is 'bad_extension_header', past the capture 'truncated'.
 */
function needExtension(s: DecodeState, off: number, length: number): boolean {
  if (off + length > s.ipEnd) {
    s.fail(LAYER.IPV6, REASON.BAD_EXTENSION_HEADER, off, length, s.ipEnd - off);
    return false;
  }
  return s.need(LAYER.IPV6, off, length);
}

/** Walks Hop-by-Hop / Destination options (RFC 8200 §4.2); records 'bad_option' when one runs past its header. */
function checkOptions(s: DecodeState, off: number, end: number): boolean {
  const d = s.data;
  while (off < end) {
    // Pad1 is the only option without a length byte.
    if (d[off] === 0) {
      off++;
      continue;
    }
    const length = off + 1 < end ? 2 + d[off + 1] : 2;
    if (off + length > end) {
      s.fail(LAYER.IPV6, REASON.BAD_OPTION, off, length, end - off);
      return false;
    }
    off += length;
  }
  return true;
}
