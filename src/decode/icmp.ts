import type { DecodeState } from './decode-state.js';
import { LAYER } from './layers.js';

/** ICMP header: type, code, checksum, then 4 type-specific bytes (RFC 792). */
const HEADER = 8;
/** Echo reply and echo request types, whose identifier follows the checksum (RFC 792). */
const ECHO_REPLY = 0;
const ECHO_REQUEST = 8;

/** Decodes an ICMP header; the IP packet quoted by error messages is payload, not decoded. */
export function decodeIcmp(s: DecodeState, off: number): void {
  if (!s.need(LAYER.ICMP, off, HEADER)) return;
  const p = s.p;
  const type = s.data[off];
  p.icmpType = type;
  p.icmpCode = s.data[off + 1];
  p.icmpId = type === ECHO_REPLY || type === ECHO_REQUEST ? s.u16(off + 4) : 0;
  p.hasL4 = true;
  s.setPayload(off + HEADER);
}
