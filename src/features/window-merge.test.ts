import { describe, expect, it } from 'vitest';
import { fillPacket, HOST, type PacketSpec } from '../../test/support/hosts.js';
import { DecodedPacket } from '../decode/decoded-packet.js';
import { TCP_FLAG } from '../decode/tcp-flags.js';
import { FLOW_FLAG, type FlowRecord } from '../flows/flow-record.js';
import { HostWindows } from './host-windows.js';
import { PEER_SLOTS } from './peer-table.js';
import { FEATURE_NAMES, N_FEATURES } from './schema.js';
import { WindowAccumulator } from './window-accumulator.js';
import type { WindowBatch } from './window-batch.js';
import { WindowCloser } from './window-closer.js';

const { SYN, RST, ACK } = TCP_FLAG;
const { A, B, C, SERVER, RESOLVER } = HOST;
const WINDOW = 10;
const OPTS = { windowSeconds: WINDOW, maxHosts: 64, flowMax: 4096 };

/** One packet of a scripted exchange. */
interface Step extends PacketSpec {
  ts: number;
  /** Wire length (default: 60 bytes plus the payload). */
  len?: number;
  /** End the flow right after this packet, as the flow table reports it. */
  end?: boolean;
}

/** Where the packets go: one HostWindows, or shards of accumulators with one closer. */
interface Target {
  packet(pkt: DecodedPacket, data: Uint8Array, wirelen: number, ts: number, slot: number, reverse: boolean, isNew: boolean): void;
  flowEnded(slot: number, flow: FlowRecord): void;
  flush(): void;
}

/**
 * Accumulators fed by flow slot (as capture shards split by flow hash), one
 * closer, and the window clock of HostWindows: every accumulator closes each
 * window and the closer merges the partials.
 */
class Shards implements Target {
  readonly closer = new WindowCloser(OPTS);
  readonly accumulators: WindowAccumulator[];

  constructor(
    n: number,
    private readonly onWindow: (b: WindowBatch) => void,
  ) {
    this.accumulators = Array.from({ length: n }, () => new WindowAccumulator(OPTS, this.closer));
  }

  packet(pkt: DecodedPacket, data: Uint8Array, wirelen: number, ts: number, slot: number, reverse: boolean, isNew: boolean): void {
    const start = this.accumulators[0].start;
    if (Number.isNaN(start)) for (const a of this.accumulators) a.reset(Math.floor(ts / WINDOW) * WINDOW);
    else if (ts >= start + WINDOW) {
      this.close(start + WINDOW);
      for (const a of this.accumulators) a.reset(ts >= start + 2 * WINDOW ? Math.floor(ts / WINDOW) * WINDOW : start + WINDOW);
    }
    this.accumulators[slot % this.accumulators.length].packet(pkt, data, wirelen, ts, slot, reverse, isNew);
  }

  flowEnded(slot: number, flow: FlowRecord): void {
    this.accumulators[slot % this.accumulators.length].flowEnded(slot, flow);
  }

  flush(): void {
    this.close(this.accumulators[0].start + WINDOW);
  }

  private close(end: number): void {
    const batch = this.closer.close(this.accumulators.map((a) => a.close()), end);
    if (batch !== undefined) this.onWindow(batch);
  }
}

/** Replays steps into a target like the pipeline: slots from a toy flow table, ends reported with records. */
function replay(steps: Step[], target: Target): void {
  const pkt = new DecodedPacket();
  const flows = new Map<string, { slot: number; initiator: number; first: number; last: number; fwd: number; rev: number; bytes: number; flags: number }>();
  let nextSlot = 0;
  for (const s of steps) {
    const data = fillPacket(pkt, s);
    const fwd = `${s.proto}:${s.src}:${s.sport}>${s.dst}:${s.dport}`;
    const rev = `${s.proto}:${s.dst}:${s.dport}>${s.src}:${s.sport}`;
    const key = flows.has(rev) ? rev : fwd;
    let f = flows.get(key);
    const isNew = f === undefined;
    if (f === undefined) {
      f = { slot: nextSlot++, initiator: s.src, first: s.ts, last: s.ts, fwd: 0, rev: 0, bytes: 0, flags: 0 };
      flows.set(key, f);
    }
    const len = s.len ?? 60 + pkt.payloadLength;
    const reverse = f.initiator !== s.src;
    if (reverse) f.rev++;
    else f.fwd++;
    f.bytes += len;
    f.last = s.ts;
    if (s.proto === 6) f.flags |= (s.flags ?? 0) & SYN ? ((s.flags ?? 0) & ACK ? FLOW_FLAG.SYNACK : FLOW_FLAG.SYN) : 0;
    target.packet(pkt, data, len, s.ts, f.slot, reverse, isNew);
    if (s.end) {
      flows.delete(key);
      const words = (a: number) => Uint32Array.of(a, 0, 0, 0);
      target.flowEnded(f.slot, {
        ipVersion: 4, src: words(f.initiator), dst: words(f.initiator === s.src ? s.dst : s.src), proto: s.proto,
        srcPort: f.initiator === s.src ? s.sport : s.dport, dstPort: f.initiator === s.src ? s.dport : s.sport,
        fwdPackets: f.fwd, fwdBytes: f.bytes / 2, revPackets: f.rev, revBytes: f.bytes / 2, first: f.first, last: f.last, flags: f.flags, reason: 'tcp_close',
      });
    }
  }
  target.flush();
}

const hex = (s: string) => Uint8Array.from(Buffer.from(s.replace(/\s+/g, ''), 'hex'));
const DNS_QUERY = hex('1234 0100 0001 0000 0000 0000 03777777 076578616d706c65 03636f6d 00 0001 0001');
const DNS_NX = hex('1234 8183 0001 0000 0000 0000 03777777 076578616d706c65 03636f6d 00 0001 0001');

/**
 * Two windows of host A doing everything the features count, flows spread
 * over many slots: answered and refused TCP, a short session that ends, DNS
 * with NXDOMAIN, pings, a burst within one second, late flows answered in the
 * next window; host C fails (unanswered and refused attempts) and has late
 * flows too; B only answers.
 * Durations and sizes are exact binary fractions, so sums do not depend on
 * their order.
 */
function traffic(): Step[] {
  const s: Step[] = [];
  for (let i = 0; i < 6; i++) {
    const t = 100 + i * 0.5;
    s.push({ ts: t, src: A, dst: SERVER, proto: 6, sport: 40000 + i, dport: 443, flags: SYN, len: 74 });
    s.push({ ts: t + 0.125, src: SERVER, dst: A, proto: 6, sport: 443, dport: 40000 + i, flags: SYN | ACK, len: 74 });
    s.push({ ts: t + 0.25, src: A, dst: SERVER, proto: 6, sport: 40000 + i, dport: 443, flags: ACK, len: 600 });
    s.push({ ts: t + 0.25, src: A, dst: SERVER, proto: 6, sport: 40000 + i, dport: 443, flags: ACK, len: 600 });
    s.push({ ts: t + 0.375, src: SERVER, dst: A, proto: 6, sport: 443, dport: 40000 + i, flags: ACK, len: 1500, end: i % 2 === 0 });
  }
  for (let i = 0; i < 4; i++) {
    s.push({ ts: 103 + i * 0.25, src: C, dst: B, proto: 6, sport: 41000 + i, dport: 22 + i, flags: SYN });
    if (i % 2 === 0) s.push({ ts: 103.0625 + i * 0.25, src: B, dst: C, proto: 6, sport: 22 + i, dport: 41000 + i, flags: RST | ACK });
  }
  for (let i = 0; i < 5; i++) {
    s.push({ ts: 104 + i * 0.125, src: A, dst: RESOLVER, proto: 17, sport: 50000 + i, dport: 53, payload: DNS_QUERY });
    s.push({ ts: 104.0625 + i * 0.125, src: RESOLVER, dst: A, proto: 17, sport: 53, dport: 50000 + i, payload: DNS_NX });
  }
  for (let i = 0; i < 3; i++) {
    s.push({ ts: 105 + i * 0.25, src: A, dst: SERVER, proto: 1, sport: 0, dport: 0, icmp: [8, 0], payload: new Uint8Array(56) });
    s.push({ ts: 105.125 + i * 0.25, src: SERVER, dst: A, proto: 1, sport: 0, dport: 0, icmp: [0, 0], payload: new Uint8Array(56) });
  }
  // A burst of 24 packets within second 106 over eight flows (replies from a service port, which expect no answer).
  for (let i = 0; i < 24; i++) s.push({ ts: 106 + i / 32, src: A, dst: SERVER, proto: 17, sport: 500 + (i % 8), dport: 9000 });
  // C: one early unanswered attempt, then late ones.
  s.push({ ts: 101, src: C, dst: SERVER, proto: 6, sport: 43000, dport: 25, flags: SYN });
  for (let i = 0; i < 3; i++) s.push({ ts: 109.25 + i * 0.125, src: C, dst: SERVER, proto: 6, sport: 43001 + i, dport: 25 + i, flags: SYN });
  // A: late flows, two answered in the next window, one refused there, one never.
  for (let i = 0; i < 4; i++) s.push({ ts: 109.25 + i * 0.125, src: A, dst: SERVER, proto: 6, sport: 44000 + i, dport: 8443, flags: SYN });
  s.push({ ts: 110.25, src: SERVER, dst: A, proto: 6, sport: 8443, dport: 44000, flags: SYN | ACK });
  s.push({ ts: 110.25, src: SERVER, dst: A, proto: 6, sport: 8443, dport: 44001, flags: SYN | ACK });
  s.push({ ts: 110.5, src: SERVER, dst: A, proto: 6, sport: 8443, dport: 44002, flags: RST | ACK });
  s.push({ ts: 111, src: A, dst: SERVER, proto: 17, sport: 53000, dport: 9000 });
  s.push({ ts: 111, src: C, dst: SERVER, proto: 17, sport: 53000, dport: 9000 });
  return s;
}

function rows(batch: WindowBatch): Map<string, number[]> {
  return new Map(batch.hosts.map((h, i) => [h, Array.from(batch.raw.subarray(i * N_FEATURES, (i + 1) * N_FEATURES))]));
}

/** Raw feature values of `host`'s row by feature name; throws when the host has no row. */
function row(batch: WindowBatch, host: string): Record<string, number> {
  const values = rows(batch).get(host);
  if (values === undefined) throw new Error(`no row for ${host}`);
  return Object.fromEntries(FEATURE_NAMES.map((n, f) => [n, values[f]]));
}

describe('accumulator and closer', () => {
  it('merges a window accumulated in two accumulators into exactly the single-accumulator rows', () => {
    const single: WindowBatch[] = [];
    const split: WindowBatch[] = [];
    replay(traffic(), new HostWindows(OPTS, (b) => single.push(b)));
    const shards = new Shards(2, (b) => split.push(b));
    replay(traffic(), shards);
    expect(split.map((b) => [b.start, b.end])).toEqual(single.map((b) => [b.start, b.end]));
    expect(single).toHaveLength(2);
    for (let w = 0; w < single.length; w++) {
      expect(rows(split[w])).toEqual(rows(single[w]));
      expect(Array.from(split[w].vectors)).toEqual(Array.from(single[w].vectors));
      // Peers merge like the counters: for hosts whose destinations fit the slots, the split window names the same ones with the same packet counts.
      const fits = single[w].hosts.filter((h) => row(single[w], h).dst_services <= PEER_SLOTS);
      expect(fits.length).toBeGreaterThan(0);
      const peersOf = (b: WindowBatch) => fits.map((h) => b.peers?.(b.hosts.indexOf(h)));
      expect(peersOf(split[w])).toEqual(peersOf(single[w]));
    }
    // A's flows alternate between the accumulators (slots are handed out in order), and the row covers everything A did.
    expect(row(single[0], '10.0.0.1')).toMatchObject({ peak_packet_rate: 24, dns_queries: 5, nxdomain_share: 1, failed_flows: 0, mean_flow_duration: 0.375, icmp_echo_payload: 56 });
    // A's late flows were judged with the next window: one refused, one never answered, and that window's own UDP flow.
    expect(row(single[1], '10.0.0.1')).toMatchObject({ failed_flows: 3, failed_share: 3 / 5 });
    // C failed early, so its late flows failed with their own window.
    expect(row(single[0], '10.0.0.3')).toMatchObject({ failed_flows: 8, rst_share: 2 / 8 });
  });

  it('adds per-second packet counts across accumulators, so a burst split between them keeps its peak', () => {
    const split: WindowBatch[] = [];
    const steps: Step[] = [];
    for (let i = 0; i < 40; i++) steps.push({ ts: 200 + i / 64, src: A, dst: SERVER, proto: 17, sport: 1000 + i, dport: 9000 });
    replay(steps, new Shards(4, (b) => split.push(b)));
    expect(row(split[0], '10.0.0.1').peak_packet_rate).toBe(40);
  });
});

describe('HostWindows clock', () => {
  it('closes the open window and jumps when time leaps many windows ahead, in one step', () => {
    const out: WindowBatch[] = [];
    const hw = new HostWindows(OPTS, (b) => out.push(b));
    replay([
      { ts: 100, src: A, dst: B, proto: 17, sport: 1, dport: 2 },
      { ts: 100_000_005, src: A, dst: B, proto: 17, sport: 1, dport: 2 },
    ], hw);
    expect(out.map((b) => [b.start, b.end])).toEqual([[100, 110], [100_000_000, 100_000_010]]);
  });

  it('stays bounded when a timestamp is so large that adding a window does not change it', () => {
    const out: WindowBatch[] = [];
    const hw = new HostWindows(OPTS, (b) => out.push(b));
    const huge = 2 ** 57;
    // huge + 10 === huge: a loop that steps one window at a time would never reach it.
    expect(huge + WINDOW).toBe(huge);
    replay([
      { ts: 100, src: A, dst: B, proto: 17, sport: 1, dport: 2 },
      { ts: huge, src: A, dst: B, proto: 17, sport: 1, dport: 2 },
      { ts: huge, src: A, dst: B, proto: 17, sport: 1, dport: 3 },
    ], hw);
    hw.advance(huge);
    expect(out[0]).toMatchObject({ start: 100, end: 110 });
    expect(out.length).toBeLessThanOrEqual(4);
  });
});
