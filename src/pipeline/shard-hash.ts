import type { DecodedPacket } from '../decode/decoded-packet.js';
import { IP_PROTO } from '../decode/ip-protocols.js';
import { mix32 } from '../features/word-hash.js';

/**
 * The capture worker of a decoded packet, in [0, n): a hash of its 5-tuple
 * that is symmetric in source and destination, so both directions of a flow
 * reach the same worker (as PACKET_FANOUT's hash mode does). Ports count only
 * for TCP and UDP packets that carry them; ICMP and later fragments go by the
 * address pair and protocol. Packets that are not IP go to worker 0.
 */
export function shardOf(pkt: DecodedPacket, n: number): number {
  if (n === 1 || pkt.ipVersion === 0) return 0;
  const proto = pkt.ipProto;
  const ports = pkt.hasL4 && pkt.fragment !== 2 && (proto === IP_PROTO.TCP || proto === IP_PROTO.UDP);
  const s = pkt.src;
  const d = pkt.dst;
  if (pkt.ipVersion === 6) {
    return shardOfTuple(endpoint6(s[0], s[1], s[2], s[3], ports ? pkt.srcPort : 0), endpoint6(d[0], d[1], d[2], d[3], ports ? pkt.dstPort : 0), proto, n);
  }
  return shardOfTuple(endpoint4(s[0], ports ? pkt.srcPort : 0), endpoint4(d[0], ports ? pkt.dstPort : 0), proto, n);
}

/** The worker of a packet whose endpoints hash to `a` and `b` (endpoint4, endpoint6) with IP protocol `proto`. */
export function shardOfTuple(a: number, b: number, proto: number, n: number): number {
  return mix32((a ^ b) + proto) % n;
}

// The endpoint hashes are used only through `^`, so they return their bits as a signed 32-bit integer (a small integer, never a boxed number).

/** Hash of an IPv4 endpoint: its address (one word) and port (0 when ports do not count). */
export function endpoint4(address: number, port: number): number {
  return mix32(address ^ mix32(port + 0x9e3779b9)) | 0;
}

/** Hash of an IPv6 endpoint: its address (four words) and port (0 when ports do not count). */
export function endpoint6(w0: number, w1: number, w2: number, w3: number, port: number): number {
  return mix32(endpoint4(w0, port) ^ mix32(w1 ^ mix32(w2 ^ mix32(w3)))) | 0;
}
