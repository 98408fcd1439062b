import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PCAPS } from '../../test/oracle/manifest.js';
import { feedFiles } from '../cli/feed.js';
import { defaultOptions, type OptionValues } from '../cli/options.js';
import { PEERS_SHOWN } from '../features/peer-table.js';
import { CORE_COLLECTORS, createRegistry } from '../metrics/registry.js';
import { ATTACK_TYPES, writeSynth } from '../synth/synth.js';
import { buildPipeline, scoringOf } from './build-pipeline.js';
import { ShardedPipeline, startShardThreads } from './sharded-pipeline.js';

/** Everything a replay produces that must not depend on the number of workers. */
interface Outcome {
  /** Digest of every window's start, end, hosts (in order), raw and transformed rows. */
  rows: string;
  windows: number;
  /** Every score, window by window, with the threshold. */
  scores: string[];
  /** Every anomaly without its peers (see `peers`). */
  anomalies: unknown[];
  /** The peers of every window's rows (space-saving top-k: see the peers test). */
  peers: string[];
  /** The core exposition (traffic, decode, flows, failures) and the scoring aggregates. */
  metrics: string;
  /** The core exposition alone. */
  core: string;
  /** Rows of each window. */
  hostsPerWindow: number[];
}

async function replay(files: string[], workers: number, options: Partial<OptionValues> = {}): Promise<Outcome> {
  // A flow table of 200,000 (no capture here holds as many flows at once) keeps each worker's start-up short.
  const o = { ...defaultOptions(), 'flow.max': 200_000, 'model.warmup': 120, 'model.retrain-interval': 600, ...options };
  const pipeline = buildPipeline(o);
  const scoring = scoringOf(pipeline);
  const hash = createHash('sha256');
  const hostsPerWindow: number[] = [];
  const out: Omit<Outcome, 'rows' | 'metrics' | 'core' | 'hostsPerWindow'> = { windows: 0, scores: [], anomalies: [], peers: [] };
  scoring.onWindow((b) => {
    out.windows++;
    hostsPerWindow.push(b.hosts.length);
    hash.update(`${b.start} ${b.end} ${b.hosts.join(',')}\n`);
    hash.update(new Uint8Array(b.raw.buffer, b.raw.byteOffset, b.raw.byteLength));
    hash.update(new Uint8Array(b.vectors.buffer, b.vectors.byteOffset, b.vectors.byteLength));
    out.peers.push(JSON.stringify(b.hosts.map((_, r) => b.peers?.(r))));
  });
  scoring.onScores((b, s, threshold) => out.scores.push(`${b.start} ${threshold} ${Array.from(s).join(',')}`));
  scoring.onAnomaly(({ peers, ...a }) => out.anomalies.push(a));
  const shards = workers > 1 ? new ShardedPipeline(pipeline, o, workers) : undefined;
  await feedFiles(files, shards ?? pipeline, 0);
  if (shards) await shards.finish();
  else pipeline.finish();
  const registry = createRegistry({ ...pipeline.metricsContext(), ...(shards && { flows: shards.flows }) }, CORE_COLLECTORS, false);
  // Each worker has a flow table of --flow.max: the capacity, the only total that differs, must be workers × --flow.max.
  const exposition = (await registry.metrics()).replace(/^netscore_flows_max (\d+)$/m, (_, n) => `netscore_flows_max ${Number(n) / workers}`);
  const aggregates = { scored: scoring.windowsScored, buckets: Array.from(scoring.scoreBuckets), sum: scoring.scoreSum, anomalies: Array.from(scoring.anomalies), untracked: scoring.windows.untrackedHosts, stats: Array.from(scoring.featureStats) };
  return { ...out, rows: hash.digest('hex'), metrics: `${exposition}\n${JSON.stringify(aggregates)}`, core: exposition, hostsPerWindow };
}

/**
 * A row's peers are a space-saving top-k of PEER_SLOTS counters per worker,
 * merged by adding counts: the same as one stream's while a host sent to at
 * most PEER_SLOTS destinations, an estimate with the same error bound beyond.
 * Rows listing fewer than PEERS_SHOWN peers (so fewer destinations) must be
 * equal, and every row lists as many peers.
 */
function expectPeers(many: string[], one: string[]): number {
  expect(many.length).toBe(one.length);
  let exact = 0;
  one.forEach((w, i) => {
    const a = JSON.parse(w) as unknown[][];
    const b = JSON.parse(many[i]) as unknown[][];
    a.forEach((peers, r) => {
      expect(b[r].length).toBe(peers.length);
      if (peers.length < PEERS_SHOWN) {
        expect(b[r]).toEqual(peers);
        exact++;
      }
    });
  });
  return exact;
}

const REAL = [
  'attacks/bruteforce-ftp-dictionary.pcap',
  'attacks/scan-nmap-connect.pcap',
  'attacks/flood-dns-rrsig-amplification-fragmented.pcap',
  'attacks/c2-rat-infected-host.pcapng',
  'attacks/dos-ipv6-extension-header-flood.pcap',
  'benign/web-browse-wikipedia.pcap',
  'benign/dns-periodic-1hr.pcap',
].map((f) => path.join(PCAPS, f));

describe('capture workers (replay shards)', () => {
  let dir: string;
  let synth: string;
  beforeAll(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'netscore-shards-'));
    synth = path.join(dir, 'synth.pcap');
    await writeSynth({ seed: 7, duration: 400, attacks: [...ATTACK_TYPES], hosts: 8 }, synth);
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it.each(REAL.map((f) => [path.relative(PCAPS, f), f]))('%s: 2 workers give the windows, scores, anomalies and totals of one', async (_name, file) => {
    const one = await replay([file], 1);
    const two = await replay([file], 2);
    expect(one.windows).toBeGreaterThan(0);
    expect(two.windows).toBe(one.windows);
    expect(two.rows).toBe(one.rows);
    expect(two.scores).toEqual(one.scores);
    expect(two.anomalies).toEqual(one.anomalies);
    expect(two.metrics).toBe(one.metrics);
    expectPeers(two.peers, one.peers);
  });

  it('a spoofed flood beyond --hosts.max: the same windows and traffic and flow totals, and no window over the bound', async () => {
    // 37,623 sources in three windows overflow 10,000 hosts per window. Which hosts one pipeline evicts depends
    // on the order it met them in its single table; each worker evicts from its own, and the merge counts the
    // hosts that find no room as untracked. So the rows differ, but not the traffic and the flows.
    const file = path.join(PCAPS, 'attacks/flood-syn-spoofed-sources.pcap');
    const one = await replay([file], 1);
    const two = await replay([file], 2);
    expect(Math.max(...one.hostsPerWindow)).toBe(10_000);
    expect(two.windows).toBe(one.windows);
    expect(two.core).toBe(one.core);
    for (const n of two.hostsPerWindow) expect(n).toBeLessThanOrEqual(10_000);
  });

  it('exposes every worker at zero from the start, counts each packet in one worker, and passes promtool', async () => {
    const o = { ...defaultOptions(), 'flow.max': 1000 };
    const pipeline = buildPipeline(o);
    const shards = new ShardedPipeline(pipeline, o, 2);
    const registry = createRegistry({ ...pipeline.metricsContext(), flows: shards.flows, workers: shards.workers }, CORE_COLLECTORS, false);
    const before = await registry.metrics();
    for (const name of ['packets', 'busy_seconds', 'dropped_packets']) {
      for (const w of ['0', '1']) expect(before).toContain(`netscore_capture_worker_${name}_total{worker="${w}"} 0\n`);
    }
    expect(before).toContain('netscore_capture_worker_skew_ratio 1\n');
    await feedFiles([synth], shards, 0);
    await shards.finish();
    const after = await registry.metrics();
    const packets = [0, 1].map((w) => Number(new RegExp(`^netscore_capture_worker_packets_total\\{worker="${w}"\\} (\\d+)$`, 'm').exec(after)?.[1]));
    expect(packets[0] + packets[1]).toBe(pipeline.traffic.packets);
    expect(Math.min(...packets)).toBeGreaterThan(0);
    const skew = Number(/^netscore_capture_worker_skew_ratio (\S+)$/m.exec(after)?.[1]);
    expect(skew).toBeCloseTo((2 * Math.max(...packets)) / pipeline.traffic.packets, 9);
    execFileSync('promtool', ['check', 'metrics'], { input: after, encoding: 'utf8', stdio: ['pipe', 'pipe', 'pipe'] });
  });

  it('fails the replay with the error of a worker that died while starting, before a pipeline took it over', async () => {
    const o = { ...defaultOptions(), 'flow.max': 1000 };
    const threads = startShardThreads(o, 2, new URL('data:text/javascript,throw new Error("no code here")'));
    await Promise.all(threads.threads.map((t) => new Promise((resolve) => t.once('exit', resolve))));
    const shards = new ShardedPipeline(buildPipeline(o), o, threads);
    await expect(shards.read([synth], [0], 0, {}, () => undefined)).rejects.toThrow('capture worker 0: stopped: no code here');
    await shards.close();
  });

  it('synth: 2 and 3 workers give the windows, scores, anomalies and totals of one, and the model scores', async () => {
    const one = await replay([synth], 1);
    expect(one.scores.length).toBeGreaterThan(0);
    expect(one.anomalies.length).toBeGreaterThan(0);
    for (const n of [2, 3]) {
      const many = await replay([synth], n);
      expect(many.rows).toBe(one.rows);
      expect(many.scores).toEqual(one.scores);
      expect(many.anomalies).toEqual(one.anomalies);
      expect(many.metrics).toBe(one.metrics);
      expect(expectPeers(many.peers, one.peers)).toBeGreaterThan(0);
    }
  });
});
