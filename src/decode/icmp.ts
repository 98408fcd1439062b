import type { DecodeState } from './decode-state.js';
import { LAYER } from './layers.js';

/** ICMP message types (RFC 792, RFC 950). */
export const ICMP_TYPE = {
  ECHO_REPLY: 0,
  UNREACHABLE: 3,
  SOURCE_QUENCH: 4,
  REDIRECT: 5,
  ECHO_REQUEST: 8,
  TIME_EXCEEDED: 11,
  PARAMETER_PROBLEM: 12,
  TIMESTAMP: 13,
  INFORMATION: 15,
  ADDRESS_MASK: 17,
} as const;

/** ICMPv6 message types (RFC 4443, RFC 4620); types 1-127 are errors. */
export const ICMPV6_TYPE = {
  UNREACHABLE: 1,
  PACKET_TOO_BIG: 2,
  TIME_EXCEEDED: 3,
  PARAMETER_PROBLEM: 4,
  ECHO_REQUEST: 128,
  ECHO_REPLY: 129,
  NODE_INFORMATION: 139,
} as const;

/** ICMP and ICMPv6 header: type, code, checksum, then 4 message bytes in every defined message (RFC 792, RFC 4443 §2.1). */
const HEADER = 8;

/** Decodes an ICMP or ICMPv6 header; the packet quoted by error messages is payload, not decoded. Echo messages carry an identifier after the checksum. */
function decodeIcmpHeader(s: DecodeState, off: number, layer: number, echoRequest: number, echoReply: number): void {
  if (!s.need(layer, off, HEADER)) return;
  const p = s.p;
  const type = s.data[off];
  p.icmpType = type;
  p.icmpCode = s.data[off + 1];
  p.icmpId = type === echoRequest || type === echoReply ? s.u16(off + 4) : 0;
  p.hasL4 = true;
  s.setPayload(off + HEADER);
}

/** Decodes an ICMP header. */
export function decodeIcmp(s: DecodeState, off: number): void {
  decodeIcmpHeader(s, off, LAYER.ICMP, ICMP_TYPE.ECHO_REQUEST, ICMP_TYPE.ECHO_REPLY);
}

/** Decodes an ICMPv6 header. */
export function decodeIcmpv6(s: DecodeState, off: number): void {
  decodeIcmpHeader(s, off, LAYER.ICMPV6, ICMPV6_TYPE.ECHO_REQUEST, ICMPV6_TYPE.ECHO_REPLY);
}
