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
  const v6 = pkt.ipVersion === 6;
  const a = endpoint(pkt.src, v6, ports ? pkt.srcPort : 0);
  const b = endpoint(pkt.dst, v6, ports ? pkt.dstPort : 0);
  return mix32((a ^ b) + proto) % n;
}

function endpoint(words: Uint32Array, v6: boolean, port: number): number {
  let h = mix32(words[0] ^ mix32(port + 0x9e3779b9));
  if (v6) h = mix32(h ^ mix32(words[1] ^ mix32(words[2] ^ mix32(words[3]))));
  return h;
}
