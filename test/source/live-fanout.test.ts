/**
 * Live capture shared by several handles through Linux PACKET_FANOUT (#14 §2).
 * Oracle: the frames the test sends over a veth pair from a namespace of its
 * own (and some from the host end), each carrying its number in its payload:
 * the members of a group together must deliver every frame exactly once, and
 * in hash mode every frame of a flow, both directions, to the same member.
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { Worker } from 'node:worker_threads';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LiveSource } from '../../src/source/live-source.js';
import { openSource } from '../../src/source/sources.js';
import type { FanoutOptions } from '../../src/source/fanout.js';
import type { PacketSource } from '../../src/source/source.js';
import { ip4 } from '../../src/synth/addr.js';
import { ACK, FrameBuilder, PSH, SYN } from '../../src/synth/frame-builder.js';
import { PayloadPool } from '../../src/synth/payload-pool.js';
import { Prng } from '../../src/util/prng.js';
import { waitFor } from '../support/wait-for.js';
import { createVethNamespace, vethSkipReason, type VethNamespace } from './veth-namespace.js';

const ADDON = new URL('../../build/Release/netscore_pcap.node', import.meta.url);
const LIVE_SOURCE = new URL('../../dist/source/live-source.js', import.meta.url);
const skipReason = !existsSync(ADDON) ? 'libpcap addon not built' : !existsSync(LIVE_SOURCE) ? 'dist/ not built (npm run build)' : vethSkipReason();
const title = (name: string) => (skipReason ? `${name} (skipped: ${skipReason})` : name);

/** Unique per run: interface names are at most 15 bytes. */
const PREFIX = `fo${process.pid % 100_000}`;
/** Only the test's frames (10.213.0.0/16), not what the kernel itself sends on the pair. */
const FILTER = 'net 10.213.0.0/16';
/** Kernel ring of each handle: enough for the test's few hundred frames, and quick to set up. */
const BUFFER = 2 << 20;
/** An explicit group id for this run; the derived ones are tested separately. */
const GROUP = 1000 + (process.pid % 60_000);

/** One frame sent: its number (the first 4 payload bytes), its flow and direction. */
interface Sent {
  id: number;
  flow: string;
  frame: Uint8Array;
}

/** One frame delivered to a member, reduced to what the assertions need. */
interface Got {
  id: number;
  flow: string;
  wirelen: number;
}

/** Canonical key of a 5-tuple: the same for both directions. */
function flowKey(proto: number, a: string, b: string): string {
  return `${proto} ${[a, b].sort().join(' ')}`;
}

/** Parses an Ethernet/IPv4 TCP or UDP frame as the test built it (no options, no tunnels). */
function parse(bytes: Uint8Array, wirelen: number): Got {
  const v = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const ihl = (bytes[14] & 15) * 4;
  const proto = bytes[23];
  const l4 = 14 + ihl;
  const addr = (at: number) => bytes.subarray(at, at + 4).join('.');
  const payload = proto === 6 ? l4 + (bytes[l4 + 12] >> 4) * 4 : l4 + 8;
  return {
    id: v.getUint32(payload),
    flow: flowKey(proto, `${addr(26)}:${v.getUint16(l4)}`, `${addr(30)}:${v.getUint16(l4 + 2)}`),
    wirelen,
  };
}

/**
 * `udpFlows` UDP and `tcpFlows` TCP flows from 10.213.1.x to 10.213.2.y, `per`
 * frames each way, interleaved across flows; the reverse direction only for
 * every other flow. `reverseFromHost` picks the reverse frames that the host
 * end sends (outgoing there) rather than the namespace.
 */
function traffic(udpFlows: number, tcpFlows: number, per: number, reverseFromHost: (flow: number) => boolean) {
  const fb = new FrameBuilder(new PayloadPool(new Prng(14)));
  const fromNs: Sent[] = [];
  const fromHost: Sent[] = [];
  let id = 0;
  const head = new Uint8Array(4);
  for (let round = 0; round < per; round++) {
    for (let f = 0; f < udpFlows + tcpFlows; f++) {
      const tcp = f >= udpFlows;
      const client = ip4(10, 213, 1, 1 + (f % 200));
      const server = ip4(10, 213, 2, 1 + (f % 7));
      const cport = 20_000 + f;
      const sport = tcp ? 443 : 53;
      const key = flowKey(tcp ? 6 : 17, `10.213.1.${1 + (f % 200)}:${cport}`, `10.213.2.${1 + (f % 7)}:${sport}`);
      for (const reverse of f % 2 === 0 ? [false, true] : [false]) {
        new DataView(head.buffer).setUint32(0, id);
        const [src, dst, sp, dp] = reverse ? [server, client, sport, cport] : [client, server, cport, sport];
        if (tcp) fb.tcp(src, dst, sp, dp, round === 0 && !reverse ? SYN : ACK | PSH, 1000 + round, 1, 64_240, 40 + round, head);
        else fb.udp(src, dst, sp, dp, 40 + round, head);
        const sent = { id: id++, flow: key, frame: fb.buf.slice(0, fb.len) };
        (reverse && reverseFromHost(f) ? fromHost : fromNs).push(sent);
      }
    }
  }
  return { fromNs, fromHost, all: [...fromNs, ...fromHost] };
}

const frames = (sent: readonly Sent[]) => sent.map((s) => s.frame);

/** A live capture of `host` keeping the whole of each frame, in group `fanout` (none: all the frames). */
const live = (host: string, fanout: FanoutOptions | undefined) => new LiveSource({ interface: host, filter: FILTER, immediate: true, bufferSize: BUFFER, fanout });

/** Runs `source`, keeping what it delivers. */
function member<S extends PacketSource>(source: S) {
  source.open?.();
  const got: Got[] = [];
  const running = source.run((p) => got.push(parse(p.data.subarray(p.offset, p.offset + p.caplen), p.wirelen)));
  return {
    source,
    got,
    stop: async () => {
      source.stop();
      await running;
    },
  };
}

/** Waits until `count()` reaches `n`, then a little longer so that a packet delivered twice would show. */
async function settle(count: () => number, n: number): Promise<void> {
  await waitFor(() => count() >= n, { timeoutMs: 15_000, intervalMs: 50, what: `${n} packets (have ${count()})` });
  await new Promise((r) => setTimeout(r, 300));
}

/** Asserts that the members together got each sent frame exactly once, with its flow; returns the flows of each member. */
function expectEachOnce(sent: readonly Sent[], members: readonly Got[][]): Set<string>[] {
  const ids = members.flat().map((g) => g.id);
  expect(ids.length).toBe(sent.length);
  expect(new Set(ids).size).toBe(sent.length);
  const byId = new Map(sent.map((s) => [s.id, s.flow]));
  for (const g of members.flat()) expect(g.flow).toBe(byId.get(g.id));
  return members.map((m) => new Set(m.map((g) => g.flow)));
}

describe.skipIf(skipReason)(title('PACKET_FANOUT on a veth pair'), () => {
  let pair: VethNamespace;
  beforeAll(() => {
    pair = createVethNamespace(PREFIX);
  });
  afterAll(() => pair?.remove());

  it('hash: two handles in one group get each frame once, every flow (both directions, in and out) on one member', async () => {
    const t = traffic(48, 48, 4, (f) => f % 4 === 0);
    const a = member(live(pair.host, { group: GROUP, mode: 'hash' }));
    const b = member(live(pair.host, { group: GROUP, mode: 'hash' }));
    try {
      expect([a.source.fanoutGroup, b.source.fanoutGroup]).toEqual([GROUP, GROUP]);
      pair.sendFromNamespace(frames(t.fromNs));
      pair.sendFromHost(frames(t.fromHost));
      await settle(() => a.got.length + b.got.length, t.all.length);
    } finally {
      await a.stop();
      await b.stop();
    }
    const [flowsA, flowsB] = expectEachOnce(t.all, [a.got, b.got]);
    // No flow on both members; 96 flows over 2 members all on one would be a broken hash.
    expect([...flowsA].filter((f) => flowsB.has(f))).toEqual([]);
    expect(flowsA.size + flowsB.size).toBe(96);
    expect(Math.min(flowsA.size, flowsB.size)).toBeGreaterThan(0);
    // The kernel counted for each member what that member delivered, and dropped nothing.
    for (const m of [a, b]) expect(m.source.stats()).toMatchObject({ received: m.got.length, dropped: 0 });
  });

  it('hash: a fragmented IPv4 datagram reaches the member of its flow reassembled, as one packet', async () => {
    const t = traffic(8, 0, 2, () => false);
    const datagram = fragmented(t.all.length, ip4(10, 213, 1, 1), ip4(10, 213, 2, 1), 20_000, 53, 3000);
    const reference = member(live(pair.host, undefined));
    const a = member(live(pair.host, { group: GROUP, mode: 'hash' }));
    const b = member(live(pair.host, { group: GROUP, mode: 'hash' }));
    try {
      pair.sendFromNamespace([...frames(t.fromNs), ...datagram]);
      await settle(() => a.got.length + b.got.length, t.all.length + 1);
      await settle(() => reference.got.length, t.all.length + datagram.length);
    } finally {
      await Promise.all([a.stop(), b.stop(), reference.stop()]);
    }
    // Outside the group, the three fragments as sent (the later ones parse as garbage: keep the lengths).
    expect(reference.got.slice(-3).map((g) => g.wirelen)).toEqual([1514, 1514, 14 + 20 + 48]);
    const whole = [...a.got, ...b.got].filter((g) => g.id === t.all.length);
    expect(whole).toEqual([{ id: t.all.length, flow: t.all[0].flow, wirelen: 14 + 20 + 8 + 3000 }]);
    const holder = a.got.some((g) => g.id === t.all.length) ? a : b;
    const flow = t.all[0].flow;
    expect(holder.got.filter((g) => g.flow === flow)).toHaveLength(t.all.filter((s) => s.flow === flow).length + 1);
  });

  it('lb: round robin gives both members frames of one flow, each frame once', async () => {
    const t = traffic(1, 0, 200, () => false);
    const a = member(live(pair.host, { group: GROUP + 1, mode: 'lb' }));
    const b = member(live(pair.host, { group: GROUP + 1, mode: 'lb' }));
    try {
      pair.sendFromNamespace(frames(t.fromNs));
      await settle(() => a.got.length + b.got.length, t.all.length);
    } finally {
      await Promise.all([a.stop(), b.stop()]);
    }
    expectEachOnce(t.all, [a.got, b.got]);
    expect(Math.min(a.got.length, b.got.length)).toBeGreaterThan(0);
  });

  it('cpu, opened through openSource: the members together get each frame once', async () => {
    const t = traffic(16, 16, 3, () => false);
    const a = member(openSource('live', pair.host, { filter: FILTER, bufferSize: BUFFER, fanout: { group: GROUP + 2, mode: 'cpu' } }));
    const b = member(openSource('live', pair.host, { filter: FILTER, bufferSize: BUFFER, fanout: { group: GROUP + 2, mode: 'cpu' } }));
    try {
      pair.sendFromNamespace(frames(t.fromNs));
      await settle(() => a.got.length + b.got.length, t.all.length);
    } finally {
      await Promise.all([a.stop(), b.stop()]);
    }
    expectEachOnce(t.all, [a.got, b.got]);
  });

  it('refuses a second mode or another interface in a group, in one line', () => {
    const a = new LiveSource({ interface: pair.host, bufferSize: BUFFER, fanout: { group: GROUP + 3, mode: 'hash' } });
    a.open();
    try {
      const clash = (iface: string, mode: FanoutOptions['mode']) => () => new LiveSource({ interface: iface, bufferSize: BUFFER, fanout: { group: GROUP + 3, mode } }).open();
      expect(clash(pair.host, 'lb')).toThrow(
        new RegExp(`^capture on ${pair.host}: cannot join packet fanout group ${GROUP + 3} in lb mode: the group is in use on this host with another mode or on another interface$`),
      );
      expect(clash('lo', 'hash')).toThrow(
        new RegExp(`^capture on lo: cannot join packet fanout group ${GROUP + 3} in hash mode: the group is in use on this host with another mode or on another interface$`),
      );
    } finally {
      a.close();
    }
  });

  it('derives one group per interface for the whole process, avoiding an id another socket holds', () => {
    const first = new LiveSource({ interface: pair.host, bufferSize: BUFFER, fanout: {} });
    first.open();
    const derived = first.fanoutGroup as number;
    const second = new LiveSource({ interface: pair.host, bufferSize: BUFFER, fanout: { mode: 'hash' } });
    second.open();
    expect(second.fanoutGroup).toBe(derived);
    first.close();
    second.close();
    // The group is gone with its last member; another socket now takes its id, in another mode, on another interface.
    const squatter = new LiveSource({ interface: 'lo', bufferSize: BUFFER, fanout: { group: derived, mode: 'lb' } });
    squatter.open();
    try {
      const again = new LiveSource({ interface: pair.host, bufferSize: BUFFER, fanout: {} });
      again.open();
      expect(again.fanoutGroup).not.toBe(derived);
      again.close();
    } finally {
      squatter.close();
    }
  });

  describe('in worker threads', () => {
    // Each worker loads the addon itself and opens its own handle in the group this process derives for the interface.
    const WORKER = `
      import { parentPort, workerData } from 'node:worker_threads';
      const { LiveSource } = await import(workerData.liveSource);
      const source = new LiveSource({ interface: workerData.iface, filter: workerData.filter, immediate: true, bufferSize: workerData.bufferSize, fanout: { mode: 'hash' } });
      source.open();
      const frames = [];
      const running = source.run((p) => {
        frames.push({ bytes: p.data.slice(p.offset, p.offset + p.caplen), wirelen: p.wirelen });
        Atomics.add(workerData.delivered, 0, 1);
      });
      parentPort.on('message', async () => {
        source.stop();
        await running;
        parentPort.postMessage({ frames });
      });
      parentPort.postMessage({ group: source.fanoutGroup });
    `;

    /**
     * Starts two workers, ends one mid-capture, says "ready", reads the number of frames sent, waits for
     * the other worker to deliver them (15 s at most), says how many it delivered, then ends that worker
     * mid-capture too.
     */
    const TEARDOWN = `
      import { Worker } from 'node:worker_threads';
      import { createInterface } from 'node:readline';
      const config = JSON.parse(process.argv[1]);
      const delivered = new Int32Array(new SharedArrayBuffer(4));
      const start = () => {
        const worker = new Worker(new URL('data:text/javascript,' + encodeURIComponent(config.worker)), { workerData: { ...config.workerData, delivered } });
        return { worker, opened: new Promise((resolve, reject) => { worker.once('message', resolve); worker.once('error', reject); }) };
      };
      const [gone, kept] = [start(), start()];
      await Promise.all([gone.opened, kept.opened]);
      await gone.worker.terminate();
      console.log('ready');
      const lines = createInterface({ input: process.stdin })[Symbol.asyncIterator]();
      const sent = Number((await lines.next()).value);
      for (const deadline = Date.now() + 15000; Atomics.load(delivered, 0) < sent && Date.now() < deadline; ) await new Promise((r) => setTimeout(r, 20));
      await new Promise((r) => setTimeout(r, 300));
      console.log('delivered ' + Atomics.load(delivered, 0));
      await kept.worker.terminate();
    `;

    /** Frames delivered so far by every worker started, counted by the workers. */
    const delivered = new Int32Array(new SharedArrayBuffer(4));

    function startWorker() {
      const worker = new Worker(new URL(`data:text/javascript,${encodeURIComponent(WORKER)}`), {
        workerData: { liveSource: LIVE_SOURCE.href, iface: pair.host, filter: FILTER, bufferSize: BUFFER, delivered },
      });
      const messages: { group?: number; frames?: { bytes: Uint8Array; wirelen: number }[] }[] = [];
      worker.on('message', (m) => messages.push(m));
      let failure: Error | undefined;
      worker.on('error', (err) => {
        failure = err;
      });
      const next = (n: number) => waitFor(() => (failure ? Promise.reject(failure) : messages.length >= n), { timeoutMs: 20_000, intervalMs: 20, what: 'the worker' }).then(() => messages[n - 1]);
      return {
        worker,
        opened: () => next(1).then((m) => m.group as number),
        collect: async () => {
          worker.postMessage('stop');
          const { frames } = await next(2);
          return (frames ?? []).map((f) => parse(f.bytes, f.wirelen));
        },
      };
    }

    it('two workers share one derived group: each frame once, every flow on one worker', async () => {
      const t = traffic(32, 32, 3, (f) => f % 4 === 0);
      const workers = [startWorker(), startWorker()];
      try {
        const groups = await Promise.all(workers.map((w) => w.opened()));
        expect(groups[0]).toBe(groups[1]);
        Atomics.store(delivered, 0, 0);
        pair.sendFromNamespace(frames(t.fromNs));
        pair.sendFromHost(frames(t.fromHost));
        await settle(() => Atomics.load(delivered, 0), t.all.length);
        const [a, b] = await Promise.all(workers.map((w) => w.collect()));
        const [flowsA, flowsB] = expectEachOnce(t.all, [a, b]);
        expect([...flowsA].filter((f) => flowsB.has(f))).toEqual([]);
        expect(Math.min(flowsA.size, flowsB.size)).toBeGreaterThan(0);
      } finally {
        await Promise.all(workers.map((w) => w.worker.terminate()));
      }
    });

    it('workers ended mid-capture leave the group, and the last one ends cleanly', async () => {
      const t = traffic(16, 16, 2, () => false);
      // A process of its own, where only the workers load the addon: ending the last one unloads it.
      const config = { worker: WORKER, workerData: { liveSource: LIVE_SOURCE.href, iface: pair.host, filter: FILTER, bufferSize: BUFFER } };
      const child = spawn(process.execPath, ['--input-type=module', '-e', TEARDOWN, JSON.stringify(config)], { stdio: ['pipe', 'pipe', 'pipe'] });
      let out = '';
      let err = '';
      child.stdout.on('data', (d: Buffer) => (out += d));
      child.stderr.on('data', (d: Buffer) => (err += d));
      const exited = new Promise<number | null>((r) => child.on('exit', (code) => r(code)));
      try {
        await waitFor(() => out.includes('ready\n'), { timeoutMs: 20_000, intervalMs: 20, what: `the workers to open (stderr: ${err})` });
        pair.sendFromNamespace(frames(t.fromNs));
        child.stdin.end(`${t.all.length}\n`);
        expect(await exited).toBe(0);
        // The worker left standing got every frame: the one ended first took none into a socket left behind.
        expect({ out, err }).toEqual({ out: `ready\ndelivered ${t.all.length}\n`, err: '' });
      } finally {
        child.kill('SIGKILL');
      }
    });
  });
});

/** IPv4 header checksum of `b` (20 bytes from `at`). */
function ipChecksum(b: Uint8Array, at: number): number {
  let s = 0;
  for (let i = at; i < at + 20; i += 2) s += (b[i] << 8) | b[i + 1];
  while (s > 0xffff) s = (s & 0xffff) + (s >>> 16);
  return ~s & 0xffff;
}

/** A UDP datagram of `len` payload bytes (the first 4 hold `id`) as Ethernet frames of at most 1500-byte IPv4 fragments. */
function fragmented(id: number, src: number, dst: number, sport: number, dport: number, len: number): Uint8Array[] {
  const udp = new Uint8Array(8 + len);
  const v = new DataView(udp.buffer);
  v.setUint16(0, sport);
  v.setUint16(2, dport);
  v.setUint16(4, 8 + len);
  v.setUint32(8, id);
  const frames: Uint8Array[] = [];
  for (let off = 0; off < udp.length; off += 1480) {
    const part = udp.subarray(off, off + 1480);
    const f = new Uint8Array(14 + 20 + part.length);
    const fv = new DataView(f.buffer);
    f.set([2, 0, 10, 213, 2, 1, 2, 0, 10, 213, 1, 1, 8, 0]);
    fv.setUint8(14, 0x45);
    fv.setUint16(16, 20 + part.length);
    fv.setUint16(18, 0x4242);
    fv.setUint16(20, (off + part.length < udp.length ? 0x2000 : 0) | (off / 8));
    fv.setUint8(22, 64);
    fv.setUint8(23, 17);
    fv.setUint32(26, src);
    fv.setUint32(30, dst);
    fv.setUint16(24, ipChecksum(f, 14));
    f.set(part, 34);
    frames.push(f);
  }
  return frames;
}
