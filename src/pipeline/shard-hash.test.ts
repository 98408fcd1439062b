import { describe, expect, it } from 'vitest';
import { DecodedPacket } from '../decode/decoded-packet.js';
import { IP_PROTO } from '../decode/ip-protocols.js';
import { Prng } from '../util/prng.js';
import { shardOf } from './shard-hash.js';

/** An IPv4 or IPv6 packet of `proto` from (src, sport) to (dst, dport); src and dst are four address words. */
function packet(version: 4 | 6, proto: number, src: number[], sport: number, dst: number[], dport: number, fragment = 0): DecodedPacket {
  const p = new DecodedPacket();
  p.ipVersion = version;
  p.ipProto = proto;
  p.src.set(version === 4 ? [src[0], 0, 0, 0] : src);
  p.dst.set(version === 4 ? [dst[0], 0, 0, 0] : dst);
  p.hasL4 = fragment !== 2;
  p.fragment = fragment;
  p.srcPort = sport;
  p.dstPort = dport;
  return p;
}

describe('shardOf', () => {
  const rng = new Prng(3);
  const word = () => Math.floor(rng.nextFloat() * 2 ** 32) >>> 0;
  const port = () => Math.floor(rng.nextFloat() * 65536);

  it.each([2, 3, 8])('sends both directions of a flow to one of %i workers, and spreads flows evenly', (n) => {
    const counts = new Array<number>(n).fill(0);
    const flows = 20_000;
    for (let i = 0; i < flows; i++) {
      const version = i % 4 === 0 ? 6 : 4;
      const proto = i % 3 === 0 ? IP_PROTO.UDP : IP_PROTO.TCP;
      const a = [word(), word(), word(), word()];
      const b = [word(), word(), word(), word()];
      const [pa, pb] = [port(), port()];
      const w = shardOf(packet(version, proto, a, pa, b, pb), n);
      expect(shardOf(packet(version, proto, b, pb, a, pa), n)).toBe(w);
      counts[w]++;
    }
    // A fair split puts flows/n in each, give or take 47 at n = 8: 10 % either way is over 5 standard deviations.
    for (const c of counts) expect(Math.abs(c - flows / n)).toBeLessThan(0.1 * (flows / n));
  });

  it('sends later fragments and ICMP by address pair and protocol, and packets that are not IP to worker 0', () => {
    const a = [word(), 0, 0, 0];
    const b = [word(), 0, 0, 0];
    const later = shardOf(packet(4, IP_PROTO.UDP, a, 0, b, 0, 2), 4);
    for (let i = 0; i < 50; i++) expect(shardOf(packet(4, IP_PROTO.UDP, b, 0, a, 0, 2), 4)).toBe(later);
    const icmp = shardOf(packet(4, IP_PROTO.ICMP, a, 8, b, 0), 4);
    expect(shardOf(packet(4, IP_PROTO.ICMP, b, 0, a, 0), 4)).toBe(icmp);
    expect(shardOf(new DecodedPacket(), 4)).toBe(0);
  });
});
