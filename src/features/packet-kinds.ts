import { ICMP_TYPE, ICMPV6_TYPE } from '../decode/icmp.js';
import { IP_PROTO } from '../decode/ip-protocols.js';
import { TCP_FLAG } from '../decode/tcp-flags.js';

/** True for ICMP and ICMPv6. */
export function isIcmp(proto: number): boolean {
  return proto === IP_PROTO.ICMP || proto === IP_PROTO.ICMPV6;
}

/** ICMP error messages (RFC 792: unreachable, source quench, redirect, time exceeded, parameter problem; RFC 4443 types 1-4). */
export function isIcmpError(proto: number, type: number): boolean {
  if (proto === IP_PROTO.ICMP) {
    return type === ICMP_TYPE.UNREACHABLE || type === ICMP_TYPE.SOURCE_QUENCH || type === ICMP_TYPE.REDIRECT || type === ICMP_TYPE.TIME_EXCEEDED || type === ICMP_TYPE.PARAMETER_PROBLEM;
  }
  return type >= ICMPV6_TYPE.UNREACHABLE && type <= ICMPV6_TYPE.PARAMETER_PROBLEM;
}

/** A destination-unreachable message. */
export function isUnreachable(proto: number, type: number): boolean {
  return type === (proto === IP_PROTO.ICMP ? ICMP_TYPE.UNREACHABLE : ICMPV6_TYPE.UNREACHABLE);
}

/** An echo request. */
export function isEchoRequest(proto: number, type: number): boolean {
  return type === (proto === IP_PROTO.ICMP ? ICMP_TYPE.ECHO_REQUEST : ICMPV6_TYPE.ECHO_REQUEST);
}

/** Echo request or reply, whose payload is the sender's choice. */
export function isEcho(proto: number, type: number): boolean {
  return proto === IP_PROTO.ICMP ? type === ICMP_TYPE.ECHO_REQUEST || type === ICMP_TYPE.ECHO_REPLY : type === ICMPV6_TYPE.ECHO_REQUEST || type === ICMPV6_TYPE.ECHO_REPLY;
}

/**
 * A TCP flag combination that ordinary stacks never send, only probes do:
 * SYN with FIN or RST, or a packet without ACK that is neither a plain SYN
 * nor a plain RST (NULL, FIN, Xmas and Maimon-style probes). ECE and CWR
 * are ignored: a SYN with both is ECN negotiation.
 */
export function isOddTcp(flags: number): boolean {
  const f = flags & ~(TCP_FLAG.ECE | TCP_FLAG.CWR);
  if ((f & TCP_FLAG.SYN) !== 0 && (f & (TCP_FLAG.FIN | TCP_FLAG.RST)) !== 0) return true;
  // Every comparison runs for every packet: a short-circuit left the last ones unseen until the
  // first probe, which then deoptimised the per-packet code that inlines this.
  return ((f & TCP_FLAG.ACK) | +(f === TCP_FLAG.SYN) | +(f === TCP_FLAG.RST)) === 0;
}

/**
 * An ICMP query that fingerprinting tools send and ordinary hosts do not: an
 * echo request with a non-zero code, or an obsolete timestamp, information
 * or address-mask request (IPv4); a node information query (IPv6).
 */
export function isOddIcmp(proto: number, type: number, code: number): boolean {
  if (proto === IP_PROTO.ICMP) return (type === ICMP_TYPE.ECHO_REQUEST && code !== 0) || type === ICMP_TYPE.TIMESTAMP || type === ICMP_TYPE.INFORMATION || type === ICMP_TYPE.ADDRESS_MASK;
  return (type === ICMPV6_TYPE.ECHO_REQUEST && code !== 0) || type === ICMPV6_TYPE.NODE_INFORMATION;
}

/**
 * Protocols that poll on a fixed schedule by design (ICMP probes, DNS, NTP):
 * their periodicity is normal everywhere and would hide a beacon's.
 */
export function isPolledByDesign(proto: number, dstPort: number): boolean {
  return isIcmp(proto) || (proto === IP_PROTO.UDP && (dstPort === 53 || dstPort === 123));
}

/** True for multicast and broadcast destinations, which get no fan-in row. */
export function isGroupAddress(version: number, words: Uint32Array): boolean {
  if (version === 4) return words[0] >>> 28 === 0xe || words[0] === 0xffffffff;
  return words[0] >>> 24 === 0xff;
}
