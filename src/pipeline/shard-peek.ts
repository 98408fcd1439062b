import { UDP_PORTS } from '../decode/dispatch.js';
import { ETHERTYPE } from '../decode/ethertypes.js';
import { IP_PROTO } from '../decode/ip-protocols.js';
import { endpoint4, endpoint6, shardOfTuple } from './shard-hash.js';

/** LINKTYPE_ETHERNET, LINKTYPE_IPV4 and LINKTYPE_IPV6 (tcpdump.org/linktypes.html). */
const LINK_ETHERNET = 1;
const LINK_IPV4 = 228;
const LINK_IPV6 = 229;
/** Ethernet II header; fixed IPv4 header without options; fixed IPv6 header; fixed TCP and UDP headers. */
const ETHERNET_HEADER = 14;
const IPV4_HEADER = 20;
const IPV6_HEADER = 40;
const TCP_HEADER = 20;
const UDP_HEADER = 8;
/** Peek's answer when it cannot tell: the packet must be decoded. */
export const PEEK_UNKNOWN = -1;

/**
 * The capture worker (shardOf's, of n) of the captured packet at `offset`,
 * read from fixed offsets of its raw bytes without decoding it, or
 * PEEK_UNKNOWN. It answers only for the plain case: Ethernet II (or a raw IP
 * link) straight to IPv4 without options, or IPv6 without extension headers,
 * that is not a fragment and carries a complete TCP or UDP header (not on a
 * tunnel's port) or ICMP/ICMPv6. For such a packet the decoder gives the
 * same addresses, protocol and ports, IP version non-zero and fragment 0 (so
 * it reaches the window clock), and no other layer; every other packet
 * (tags, tunnels, options, fragments, truncation, bad lengths) is
 * PEEK_UNKNOWN.
 */
export function peekShard(d: Uint8Array, offset: number, caplen: number, linktype: number, n: number): number {
  const end = offset + caplen;
  if (offset < 0 || end > d.length) return PEEK_UNKNOWN;
  let ip = offset;
  if (linktype === LINK_ETHERNET) {
    if (caplen < ETHERNET_HEADER) return PEEK_UNKNOWN;
    const type = (d[offset + 12] << 8) | d[offset + 13];
    ip += ETHERNET_HEADER;
    if (type === ETHERTYPE.IPV4) return peekIpv4(d, ip, end, n);
    if (type === ETHERTYPE.IPV6) return peekIpv6(d, ip, end, n);
    return PEEK_UNKNOWN;
  }
  if (linktype === LINK_IPV4) return peekIpv4(d, ip, end, n);
  if (linktype === LINK_IPV6) return peekIpv6(d, ip, end, n);
  return PEEK_UNKNOWN;
}

function peekIpv4(d: Uint8Array, ip: number, end: number, n: number): number {
  // Version 4, header length 20 (no options to check), a total length that holds the header, not a fragment.
  if (ip + IPV4_HEADER > end || d[ip] !== 0x45 || (d[ip + 6] & 0x3f) !== 0 || d[ip + 7] !== 0) return PEEK_UNKNOWN;
  const total = (d[ip + 2] << 8) | d[ip + 3];
  if (total < IPV4_HEADER) return PEEK_UNKNOWN;
  const proto = d[ip + 9];
  const l4 = ip + IPV4_HEADER;
  const kind = transport(d, proto, l4, Math.min(end, ip + total));
  if (kind === UNKNOWN) return PEEK_UNKNOWN;
  const sp = kind === PORTS ? (d[l4] << 8) | d[l4 + 1] : 0;
  const dp = kind === PORTS ? (d[l4 + 2] << 8) | d[l4 + 3] : 0;
  return shardOfTuple(endpoint4(i32(d, ip + 12), sp), endpoint4(i32(d, ip + 16), dp), proto, n);
}

function peekIpv6(d: Uint8Array, ip: number, end: number, n: number): number {
  if (ip + IPV6_HEADER > end || d[ip] >> 4 !== 6) return PEEK_UNKNOWN;
  const payload = (d[ip + 4] << 8) | d[ip + 5];
  // A payload length of 0 (jumbogram or TSO) is left to the decoder.
  if (payload === 0) return PEEK_UNKNOWN;
  const proto = d[ip + 6];
  const l4 = ip + IPV6_HEADER;
  const kind = transport(d, proto, l4, Math.min(end, l4 + payload));
  if (kind === UNKNOWN) return PEEK_UNKNOWN;
  const sp = kind === PORTS ? (d[l4] << 8) | d[l4 + 1] : 0;
  const dp = kind === PORTS ? (d[l4 + 2] << 8) | d[l4 + 3] : 0;
  const s = ip + 8;
  const t = ip + 24;
  const a = endpoint6(i32(d, s), i32(d, s + 4), i32(d, s + 8), i32(d, s + 12), sp);
  const b = endpoint6(i32(d, t), i32(d, t + 4), i32(d, t + 8), i32(d, t + 12), dp);
  return shardOfTuple(a, b, proto, n);
}

/** transport's answers: the packet must be decoded; ICMP or ICMPv6 (the hash takes no ports); TCP or UDP with ports at the header's start. */
const UNKNOWN = 0;
const PORTLESS = 1;
const PORTS = 2;

/** What the hash takes from the transport header of protocol `proto` at `l4`, the datagram ending at `end`. */
function transport(d: Uint8Array, proto: number, l4: number, end: number): number {
  if (proto === IP_PROTO.TCP) {
    // The decoder keys a TCP flow once its fixed header is there with a data offset of at least 5 words.
    return l4 + TCP_HEADER <= end && d[l4 + 12] >> 4 >= 5 ? PORTS : UNKNOWN;
  }
  if (proto === IP_PROTO.UDP) {
    if (l4 + UDP_HEADER > end) return UNKNOWN;
    // A tunnel's port may carry an inner packet, whose addresses the decoder takes instead.
    return UDP_PORTS[(d[l4] << 8) | d[l4 + 1]] === undefined && UDP_PORTS[(d[l4 + 2] << 8) | d[l4 + 3]] === undefined ? PORTS : UNKNOWN;
  }
  return proto === IP_PROTO.ICMP || proto === IP_PROTO.ICMPV6 ? PORTLESS : UNKNOWN;
}

/** The big-endian word at `at` as a signed 32-bit integer: the hash takes it through `^`, which reads it so anyway, and it stays a small integer. */
function i32(d: Uint8Array, at: number): number {
  return (d[at] << 24) | (d[at + 1] << 16) | (d[at + 2] << 8) | d[at + 3];
}
