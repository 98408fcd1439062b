import { describe, expect, it } from 'vitest';
import { sample } from '../cli/spawn.js';
import { decodeErrors, packetView, service } from './harness.js';
import { Stack, synPacket } from './stack.js';

/** Tunnels per packet never exceed this, whatever --decode.max-depth allows (src/decode/decoder.ts MAX_TUNNELS). */
const MAX_TUNNELS = 16;

/** One kind of nesting: how a level is added, what it costs against the limits, and the layer that reports passing them. */
interface Kind {
  name: string;
  /** Stack holding the innermost packet. */
  start: () => Stack;
  /** Adds one level. */
  level: (s: Stack) => void;
  depth: number;
  tunnels: number;
  layer: string;
}

const ipv6Syn = () => new Stack(new Uint8Array(0), -1).tcp(40000, 80, 0x02).ipv6(6);
const KINDS: Kind[] = [
  { name: 'VLAN tags', start: synPacket, level: (s) => s.vlan(1), depth: 1, tunnels: 0, layer: 'vlan' },
  { name: 'MPLS labels', start: synPacket, level: (s) => s.mpls(1), depth: 1, tunnels: 0, layer: 'mpls' },
  { name: 'Cisco MetaData headers', start: synPacket, level: (s) => s.ciscoMetadata(), depth: 1, tunnels: 0, layer: 'cisco_metadata' },
  { name: 'bridged Ethernet frames', start: () => synPacket().ethernet(), level: (s) => s.ethernet(), depth: 1, tunnels: 0, layer: 'ethernet' },
  { name: 'GRE tunnels', start: synPacket, level: (s) => s.gre(), depth: 1, tunnels: 1, layer: 'gre' },
  { name: 'IPv4-in-IPv4 tunnels', start: synPacket, level: (s) => s.ipInIp(4), depth: 1, tunnels: 1, layer: 'ipv4' },
  { name: 'IPv6-in-IPv6 tunnels', start: ipv6Syn, level: (s) => s.ipInIp(6), depth: 1, tunnels: 1, layer: 'ipv6' },
  { name: 'VXLAN tunnels', start: synPacket, level: (s) => s.vxlan(), depth: 2, tunnels: 1, layer: 'vxlan' },
];

/** IPv6 extension headers are added in one go (the chain must end in the transport header). */
function ipv6Extensions(n: number): Stack {
  return new Stack(new Uint8Array(0), -1).tcp(40000, 80, 0x02).ipv6(6, n);
}

function build(kind: Kind, n: number): Stack {
  const s = kind.start();
  for (let i = 0; i < n; i++) kind.level(s);
  return s;
}

/** Levels of `depth`/`tunnels` cost each that decode cleanly under `maxDepth`. */
function cleanLevels(maxDepth: number, depth: number, tunnels: number): number {
  const byDepth = Math.floor(maxDepth / depth);
  return tunnels === 0 ? byDepth : Math.min(byDepth, Math.floor(Math.min(MAX_TUNNELS, maxDepth) / tunnels));
}

describe('deep nesting is bounded by --decode.max-depth and counted as too_deep', () => {
  it.each([1, 16, 128, 1024])('--decode.max-depth=%i', async (maxDepth) => {
    const svc = await service({ 'decode.max-depth': String(maxDepth) });
    const expected = new Map<string, number>();
    let cleanSyns = 0;
    let ts = 1_700_000_000;
    const feed = (s: Stack, clean: boolean, layer: string) => {
      const frame = s.frame();
      ts += 0.001;
      svc.pipeline.sink(packetView(frame, ts));
      if (clean) cleanSyns++;
      else expected.set(`${layer}/too_deep`, (expected.get(`${layer}/too_deep`) ?? 0) + 1);
    };
    for (const kind of KINDS) {
      const n = cleanLevels(maxDepth, kind.depth, kind.tunnels);
      // The limit itself, one past it, hundreds, and ten thousand levels (deep enough to overflow the stack of a recursive decoder).
      for (const levels of [n, n + 1, 300, 10_000]) {
        const s = build(kind, levels);
        expect(s.depth).toBe(levels * kind.depth);
        // VXLAN under a limit of 1 passes the depth at its bridged frame, before a second tunnel.
        const layer = kind.name === 'VXLAN tunnels' && maxDepth < 2 ? 'ethernet' : kind.layer;
        feed(s, levels <= n, layer);
      }
    }
    for (const levels of [maxDepth, maxDepth + 1, 300, 10_000]) feed(ipv6Extensions(levels), levels <= maxDepth, 'ipv6');

    svc.pipeline.finish();
    const text = await svc.registry.metrics();
    expect(decodeErrors(text)).toEqual(expected);
    // Every cleanly decoded packet reached the flow table as the innermost TCP SYN 10.0.0.1:40000 → 10.0.0.2:80 (IPv4)
    // or 2001:db8::1 → ::2 (IPv6): one flow each, ended at finish().
    expect(sample(text, 'netscore_flows_total', { protocol: 'tcp' })).toBe(2);
    expect(cleanSyns).toBeGreaterThan(KINDS.length);
    await svc.close();
  });
});
