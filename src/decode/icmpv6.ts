import type { DecodeState } from './decode-state.js';
import { LAYER } from './layers.js';

/** ICMPv6 header: type, code, checksum (RFC 4443 §2.1), then at least 4 message bytes in every defined message. */
const HEADER = 8;
/** Echo request and reply types, whose identifier follows the checksum (RFC 4443 §4.1-4.2). */
const ECHO_REQUEST = 128;
const ECHO_REPLY = 129;

/** Decodes an ICMPv6 header; the packet quoted by error messages is payload, not decoded. */
export function decodeIcmpv6(s: DecodeState, off: number): void {
  if (!s.need(LAYER.ICMPV6, off, HEADER)) return;
  const p = s.p;
  const type = s.data[off];
  p.icmpType = type;
  p.icmpCode = s.data[off + 1];
  p.icmpId = type === ECHO_REQUEST || type === ECHO_REPLY ? s.u16(off + 4) : 0;
  p.hasL4 = true;
  s.setPayload(off + HEADER);
}
