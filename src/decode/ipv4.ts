import { L3 } from './decoded-packet.js';
import type { DecodeState } from './decode-state.js';
import { dispatchIpProto } from './dispatch.js';
import { isTransport } from './ip-protocols.js';
import { LAYER } from './layers.js';
import { REASON } from './reasons.js';

/** Fixed IPv4 header (RFC 791 §3.1). */
const MIN_HEADER = 20;
/** Option kinds with no length byte (RFC 791 §3.1): end of list and no-operation. */
const OPT_EOL = 0;
const OPT_NOP = 1;
/** Flags/fragment-offset word (RFC 791 §3.1): more-fragments bit and 13-bit offset in 8-byte units. */
const FLAG_MF = 0x2000;
const OFFSET_MASK = 0x1fff;
/** Largest datagram a fragment may belong to (RFC 791 §3.1: 16-bit total length). */
const MAX_DATAGRAM = 65535;

/**
 * Decodes an IPv4 header with its options, then the transport header of first
 * fragments. A total length of 0 is taken as TSO (the capture holds the
 * datagram), as tshark does.
 */
export function decodeIpv4(s: DecodeState, off: number): void {
  const d = s.data;
  const p = s.p;
  // tshark counts an IPv4 header even when its version is wrong.
  const outer = p.outerL3 === L3.NONE;
  if (outer) p.outerL3 = L3.IPV4;
  if (!s.need(LAYER.IPV4, off, 1)) return;
  const version = d[off] >> 4;
  if (version !== 4) {
    s.fail(LAYER.IPV4, REASON.BAD_VERSION, off, 4, version);
    return;
  }
  if (!s.need(LAYER.IPV4, off, MIN_HEADER)) return;
  const headerLength = (d[off] & 0x0f) * 4;
  if (headerLength < MIN_HEADER) {
    s.fail(LAYER.IPV4, REASON.BAD_HEADER_LENGTH, off, MIN_HEADER, headerLength);
    return;
  }
  if (!s.need(LAYER.IPV4, off, headerLength)) return;
  let total = s.u16(off + 2);
  if (total === 0) total = s.end - off;
  else if (total < headerLength) {
    s.fail(LAYER.IPV4, REASON.BAD_TOTAL_LENGTH, off, headerLength, total);
    return;
  }
  // A shorter datagram than the capture leaves link padding to drop; a longer one is snaplen truncation.
  if (off + total < s.end) s.end = off + total;
  s.ipEnd = off + total;
  if (!checkOptions(s, off + MIN_HEADER, off + headerLength)) return;

  const proto = d[off + 9];
  const payload = off + headerLength;
  s.enterIp(4, proto, payload);
  p.src[0] = s.u32(off + 12);
  p.dst[0] = s.u32(off + 16);
  p.src[1] = p.src[2] = p.src[3] = 0;
  p.dst[1] = p.dst[2] = p.dst[3] = 0;

  const fragWord = s.u16(off + 6);
  const fragOffset = (fragWord & OFFSET_MASK) * 8;
  if (fragOffset !== 0 || (fragWord & FLAG_MF) !== 0) {
    p.fragment = fragOffset === 0 ? 1 : 2;
    const fragLength = total - headerLength;
    // RFC 791 §3.2: every fragment but the last carries a multiple of 8 bytes, and no fragment reaches past 65535.
    if (((fragWord & FLAG_MF) !== 0 && (fragLength & 7) !== 0) || fragOffset + fragLength > MAX_DATAGRAM) {
      s.fail(LAYER.IPV4, REASON.BAD_FRAGMENT, off, fragOffset, fragLength);
      return;
    }
    if (fragOffset !== 0) return;
  }
  // tshark hands an empty payload to no transport dissector.
  if (outer && total > headerLength && isTransport(proto)) p.outerL4 = proto;
  dispatchIpProto(s, proto, payload);
}

/** Walks the options between `off` and `end`; records 'bad_option' (required: the option's length, actual: what the header holds) when one is malformed. */
function checkOptions(s: DecodeState, off: number, end: number): boolean {
  const d = s.data;
  while (off < end) {
    const kind = d[off];
    if (kind === OPT_EOL) return true;
    if (kind === OPT_NOP) {
      off++;
      continue;
    }
    const length = off + 1 < end ? d[off + 1] : 0;
    if (length < 2 || off + length > end) {
      s.fail(LAYER.IPV4, REASON.BAD_OPTION, off, Math.max(length, 2), length < 2 ? length : end - off);
      return false;
    }
    off += length;
  }
  return true;
}
