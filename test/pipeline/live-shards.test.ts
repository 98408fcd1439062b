/**
 * Live capture workers (#14 §2) on a veth pair with its far end in a network
 * namespace of its own. Oracle: the frames the test sends (many flows, both
 * directions, some hosts on each side), and one pipeline capturing the same
 * interface at the same time without fanout: it sees the same packets with
 * the same kernel timestamps, so its windows, rows and totals are those two
 * workers must produce.
 */
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defaultOptions, type OptionValues } from '../../src/cli/options.js';
import type { FlowCounts } from '../../src/metrics/context.js';
import { CORE_COLLECTORS, createRegistry } from '../../src/metrics/registry.js';
import { buildPipeline, scoringOf } from '../../src/pipeline/build-pipeline.js';
import { LiveShards } from '../../src/pipeline/live-shards.js';
import type { Pipeline } from '../../src/pipeline/pipeline.js';
import { LiveSource } from '../../src/source/live-source.js';
import { ip4 } from '../../src/synth/addr.js';
import { ACK, FrameBuilder, PSH, SYN } from '../../src/synth/frame-builder.js';
import { PayloadPool } from '../../src/synth/payload-pool.js';
import { Prng } from '../../src/util/prng.js';
import { sample, samples, start, total } from '../cli/spawn.js';
import { freePort } from '../support/free-port.js';
import { waitFor, waitForHttp } from '../support/wait-for.js';
import { createVethNamespace, vethSkipReason, type VethNamespace } from '../source/veth-namespace.js';

const ADDON = new URL('../../build/Release/netscore_pcap.node', import.meta.url);
const WORKER = new URL('../../dist/pipeline/live-worker.js', import.meta.url);
const skipReason = !existsSync(ADDON) ? 'libpcap addon not built' : !existsSync(WORKER) ? 'dist/ not built (npm run build)' : vethSkipReason();
const title = (name: string) => (skipReason ? `${name} (skipped: ${skipReason})` : name);

/** Unique per run: interface names are at most 15 bytes. */
const PREFIX = `lw${process.pid % 100_000}`;
/** Only the test's frames, not what the kernel itself sends on the pair. */
const FILTER = 'net 10.215.0.0/16';
const UDP_FLOWS = 96;
const TCP_FLOWS = 64;
const ROUNDS = 3;

/** The test's traffic (by default; or the first `udpFlows` and `tcpFlows`): UDP and TCP flows between 12 clients (namespace side) and 5 servers, each way (the replies sent from the host end). */
function traffic(udpFlows = UDP_FLOWS, tcpFlows = TCP_FLOWS): { fromNs: Uint8Array[]; fromHost: Uint8Array[] } {
  const fb = new FrameBuilder(new PayloadPool(new Prng(15)));
  const fromNs: Uint8Array[] = [];
  const fromHost: Uint8Array[] = [];
  for (let round = 0; round < ROUNDS; round++) {
    for (let f = 0; f < udpFlows + tcpFlows; f++) {
      const tcp = f >= udpFlows;
      const client = ip4(10, 215, 1, 1 + (f % 12));
      const server = ip4(10, 215, 2, 1 + (f % 5));
      const cport = 30_000 + f;
      const sport = tcp ? 443 : 53;
      for (const reverse of [false, true]) {
        const [src, dst, sp, dp] = reverse ? [server, client, sport, cport] : [client, server, cport, sport];
        if (tcp) fb.tcp(src, dst, sp, dp, round === 0 && !reverse ? SYN : ACK | PSH, 1000 + round, 1, 64_240, 20 + 30 * round);
        else fb.udp(src, dst, sp, dp, 30 + 20 * round);
        (reverse ? fromHost : fromNs).push(fb.buf.slice(0, fb.len));
      }
    }
  }
  return { fromNs, fromHost };
}

/** Digest of every window a pipeline scores: start, end, hosts in order, raw and transformed rows; and the rows per window. */
function recordWindows(pipeline: Pipeline): { digest: () => string; hosts: number[] } {
  const hash = createHash('sha256');
  const hosts: number[] = [];
  scoringOf(pipeline).onWindow((b) => {
    hosts.push(b.hosts.length);
    hash.update(`${b.start} ${b.end} ${b.hosts.join(',')}\n`);
    hash.update(new Uint8Array(b.raw.buffer, b.raw.byteOffset, b.raw.byteLength));
    hash.update(new Uint8Array(b.vectors.buffer, b.vectors.byteOffset, b.vectors.byteLength));
  });
  return { digest: () => hash.digest('hex'), hosts };
}

/** Sends traffic() (namespace side, then the replies from the host end); the frames sent. */
function send(pair: VethNamespace, ...flows: Parameters<typeof traffic>): Uint8Array[] {
  const { fromNs, fromHost } = traffic(...flows);
  pair.sendFromNamespace(fromNs);
  pair.sendFromHost(fromHost);
  return [...fromNs, ...fromHost];
}

/** Waits until the wall clock is between `lo` and `hi` of a window of `seconds`. */
async function phase(seconds: number, lo: number, hi: number): Promise<void> {
  for (;;) {
    const at = (Date.now() / 1000) % seconds / seconds;
    if (at >= lo && at < hi) return;
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** Attempts of a test that needs each burst inside one window. */
const ATTEMPTS = 3;

/**
 * Sends traffic() early in a window of `seconds` (so that no packet is near a
 * boundary whoever closes it); the frames sent, or undefined when the sending
 * did not finish inside that window's first 80 %.
 */
async function sendInWindow(pair: VethNamespace, seconds: number, ...flows: Parameters<typeof traffic>): Promise<Uint8Array[] | undefined> {
  await phase(seconds, 0.2, 0.6);
  const from = Date.now() / 1000;
  const frames = send(pair, ...flows);
  const to = Date.now() / 1000;
  return Math.floor(from / seconds) === Math.floor(to / seconds) && (to % seconds) / seconds < 0.8 ? frames : undefined;
}

/**
 * One pipeline on a handle of its own (outside any fanout group, ticked by
 * the wall clock as `run` does) and two workers with a handle each in the
 * interface's derived group, capturing `host` at the same time.
 */
async function sideBySide(host: string, options: Partial<OptionValues>) {
  const o = { ...defaultOptions(), 'flow.max': 20_000, 'model.warmup': 7200, ...options };
  const capture = { filter: FILTER, bufferSize: 4 << 20 };
  const one = buildPipeline(o);
  const oneWindows = recordWindows(one);
  const source = new LiveSource({ interface: host, ...capture });
  source.open();
  const running = source.run(one.sink);
  const clock = setInterval(() => one.idleTick(Date.now() / 1000), 1000);
  // The main thread's pipeline of the workers sees no packet.
  const many = buildPipeline({ ...o, 'flow.max': 1 });
  const manyWindows = recordWindows(many);
  const events = { down: (i: string, m: string) => expect.fail(`${i} down: ${m}`), up: () => undefined };
  const shards = new LiveShards(many, o, 2, { interfaces: [host], ...capture, fanout: { mode: 'hash' }, events });
  let failure: unknown;
  shards.watch((err) => {
    failure = err;
  });
  await shards.ready();
  return {
    one,
    many,
    shards,
    manyWindows,
    oneWindows,
    /** Waits until both sides counted `n` packets (worker counts reach the main thread once a second). */
    settle: async (n: number) => {
      await waitFor(() => one.traffic.packets >= n, { timeoutMs: 15_000, intervalMs: 50, what: `${n} packets on the reference (have ${one.traffic.packets})` });
      await waitFor(() => many.traffic.packets >= n, { timeoutMs: 15_000, intervalMs: 100, what: `${n} packets from the workers (have ${many.traffic.packets})` });
    },
    /** Stops both captures and closes the last windows. */
    finish: async () => {
      clearInterval(clock);
      source.stop();
      await running;
      one.finish();
      await shards.finish();
      expect(failure).toBeUndefined();
    },
    /** Both sides scored the same windows, at least `n` with hosts, with the same hosts and rows. */
    expectSameWindows: (n: number) => {
      expect(manyWindows.hosts.filter((h) => h > 0).length).toBeGreaterThanOrEqual(n);
      expect(manyWindows.hosts).toEqual(oneWindows.hosts);
      expect(manyWindows.digest()).toBe(oneWindows.digest());
    },
    close: async () => {
      clearInterval(clock);
      source.stop();
      await shards.close();
    },
  };
}

describe.skipIf(skipReason)(title('live capture workers on a veth pair'), () => {
  let pair: VethNamespace;

  beforeAll(() => {
    pair = createVethNamespace(PREFIX);
  });

  afterAll(() => {
    pair?.remove();
  });

  it('two workers in a fanout group account what one pipeline on the same packets does: totals, flows, windows and rows; each worker gets packets, none is dropped', async () => {
    const both = await sideBySide(pair.host, { window: 3600 });
    try {
      const sent = send(pair);
      await both.settle(sent.length);
      await both.finish();
      const { one, many, shards } = both;

      const bytes = sent.reduce((a, f) => a + f.length, 0);
      expect(one.traffic.packets).toBe(sent.length);
      expect(one.traffic.bytes).toBe(bytes);
      expect(many.traffic.packets).toBe(sent.length);
      expect(many.traffic.bytes).toBe(bytes);
      // Every flow was started and ended once (both directions of a flow went to one worker).
      expect(shards.flows.created.reduce((a, n) => a + n, 0)).toBe(UDP_FLOWS + TCP_FLOWS);
      expect(shards.flows.ended.reduce((a, n) => a + n, 0)).toBe(UDP_FLOWS + TCP_FLOWS);

      // The core exposition: traffic, decode, flows (capacity aside: each worker has a table of --flow.max).
      const exposition = async (p: Pipeline, flows: FlowCounts = p.flows, workers = 1) =>
        (await createRegistry({ ...p.metricsContext(() => []), flows }, CORE_COLLECTORS, false).metrics()).replace(/^netscore_flows_max (\d+)$/m, (_, n) => `netscore_flows_max ${Number(n) / workers}`);
      expect(await exposition(many, shards.flows, 2)).toBe(await exposition(one));
      both.expectSameWindows(1);

      const w = shards.workers;
      const perWorker = [w.packets(0), w.packets(1)];
      expect(perWorker[0]).toBeGreaterThan(0);
      expect(perWorker[1]).toBeGreaterThan(0);
      expect(perWorker[0] + perWorker[1]).toBe(sent.length);
      expect([w.dropped(0), w.dropped(1)]).toEqual([0, 0]);
      const [iface] = shards.captures();
      expect(iface).toMatchObject({ iface: pair.host, received: sent.length, dropped: 0 });
    } finally {
      await both.close();
    }
  }, 40_000);

  it('with 2 s windows, bursts two windows apart close by the clocks of each worker (the first a single flow, so one worker has no window yet and is passed by its watermark; an idle window between; wall-clock ticks): the same windows and rows as one pipeline, merged before the end', async () => {
    const W = 2;
    // A loaded machine can take seconds to send a burst, which then straddles windows: such an attempt proves nothing and is repeated.
    for (let attempt = 1; attempt <= ATTEMPTS; attempt++) {
      const both = await sideBySide(pair.host, { window: W });
      try {
        const a = await sendInWindow(pair, W, 1, 0);
        if (a === undefined) continue;
        await both.settle(a.length);
        const w = both.shards.workers;
        expect([w.packets(0), w.packets(1)].sort()).toEqual([0, a.length]);
        await new Promise((r) => setTimeout(r, 1000));
        const b = await sendInWindow(pair, W);
        if (b === undefined) continue;
        await both.settle(a.length + b.length);
        // The second burst's window ends and is closed by the wall-clock ticks (merged by watermark) before finish; on both
        // sides, since a flow ended at finish counts in the window still open (its duration would then count on one side only).
        await waitFor(() => both.manyWindows.hosts.length >= 2, { timeoutMs: 10_000, intervalMs: 100, what: 'two windows merged from the workers' });
        await waitFor(() => both.oneWindows.hosts.length >= 2, { timeoutMs: 10_000, intervalMs: 100, what: 'two windows closed by the reference' });
        expect(both.manyWindows.hosts.filter((n) => n > 0).length).toBe(2);
        await both.finish();
        both.expectSameWindows(2);
        return;
      } finally {
        await both.close();
      }
    }
    expect.fail(`no burst was sent inside one ${W} s window in ${ATTEMPTS} attempts`);
  }, 120_000);

  it('netscore run --capture.workers 2 serves the totals of what was sent in /metrics, with packets on every worker and no drops, and stops cleanly', async () => {
    const port = await freePort();
    const url = `http://127.0.0.1:${port}/metrics`;
    const r = start(['run', '--capture.workers=2', `--capture.interface=${pair.host}`, `--capture.filter=${FILTER}`, '--capture.buffer-size=4194304', '--flow.max=20000', `--web.listen-address=127.0.0.1:${port}`, '--log.level=warn']);
    try {
      await waitForHttp(url, 15_000);
      const { fromNs, fromHost } = traffic();
      const sent = [...fromNs, ...fromHost];
      pair.sendFromNamespace(fromNs);
      pair.sendFromHost(fromHost);
      const text = await waitFor(
        async () => {
          const t = await (await fetch(url)).text();
          return total(t, 'netscore_packets_total') >= sent.length && total(t, 'netscore_capture_worker_packets_total') >= sent.length ? t : undefined;
        },
        { timeoutMs: 15_000, intervalMs: 200, what: `${sent.length} packets in /metrics` },
      );
      expect(total(text, 'netscore_packets_total')).toBe(sent.length);
      expect(total(text, 'netscore_bytes_total')).toBe(sent.reduce((a, f) => a + f.length, 0));
      expect(total(text, 'netscore_flows_total')).toBe(UDP_FLOWS + TCP_FLOWS);
      expect(sample(text, 'netscore_capture_packets_received_total', { interface: pair.host })).toBe(sent.length);
      expect(total(text, 'netscore_capture_packets_dropped_total')).toBe(0);
      const perWorker = samples(text, 'netscore_capture_worker_packets_total');
      expect(perWorker.map((p) => p.labels.worker)).toEqual(['0', '1']);
      for (const p of perWorker) expect(p.value).toBeGreaterThan(0);
      expect(total(text, 'netscore_capture_worker_dropped_packets_total')).toBe(0);
      await r.stop();
      expect(await r.exit).toBe(0);
      expect(r.stderr()).toBe('');
    } finally {
      await r.stop();
    }
  }, 40_000);
});
