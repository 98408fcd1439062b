import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeSpoofedFlood } from '../../src/synth/spoofed-flood.js';
import { trainedModel } from '../cli/captures.js';
import { sample, samples, start, total } from '../cli/spawn.js';
import { freePort } from '../support/free-port.js';
import { waitForHttp } from '../support/wait-for.js';

const dir = mkdtempSync(path.join(tmpdir(), 'netscore-flood-'));
const flood = path.join(dir, 'flood.pcap');
/** A million spoofed SYNs in five seconds: a million distinct 5-tuples and source addresses. */
const PACKETS = 1_000_000;
const VICTIM = '10.0.0.5';
/** Caps well below the flood, so that they have to hold. */
const CAPS = { flows: 200_000, hosts: 5_000, topK: 10 };
/** A scrape slower than this means the replay starved the event loop; speed itself is measured in bench/flood.mjs. */
const STARVED_MS = 2_000;
let model = '';

beforeAll(async () => {
  ({ model } = await trainedModel(dir));
  await writeSpoofedFlood(flood, { packets: PACKETS, seconds: 5, victim: 0x0a000005, port: 80, start: 1_700_000_600, seed: 1 });
}, 120_000);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('a flow flood (spoofed SYNs, a distinct 5-tuple each)', () => {
  it('keeps every table and label set within its cap, counts evictions, flags the victim, and keeps answering scrapes', async () => {
    const port = await freePort();
    const url = `http://127.0.0.1:${port}/metrics`;
    const log = path.join(dir, 'anomalies.jsonl');
    const ns = start([
      'replay', flood, '--summary', '--log.level=warn', `--web.listen-address=127.0.0.1:${port}`, `--model.file=${model}`, `--anomaly.log-file=${log}`,
      `--flow.max=${CAPS.flows}`, `--hosts.max=${CAPS.hosts}`, `--anomaly.top-k=${CAPS.topK}`,
    ]);
    await waitForHttp(`http://127.0.0.1:${port}/healthz`);
    let exited = false;
    void ns.exit.then(() => (exited = true));
    const during: { ms: number; text: string }[] = [];
    while (!exited) {
      const t = performance.now();
      const text = await fetch(url).then((r) => r.text(), () => undefined);
      if (text === undefined) break;
      const seen = total(text, 'netscore_packets_total');
      if (seen > 0 && seen < PACKETS) during.push({ ms: performance.now() - t, text });
    }
    expect(await ns.exit).toBe(0);

    // Scrapes were answered while the flood was being processed, promptly, and saw it progress.
    const progress = new Set(during.map((s) => total(s.text, 'netscore_packets_total')));
    expect(progress.size).toBeGreaterThanOrEqual(3);
    expect(Math.max(...during.map((s) => s.ms))).toBeLessThan(STARVED_MS);
    for (const { text } of during) {
      expect(sample(text, 'netscore_flows_active')).toBeLessThanOrEqual(CAPS.flows);
      expect(sample(text, 'netscore_hosts_tracked')).toBeLessThanOrEqual(CAPS.hosts);
      expect(samples(text, 'netscore_top_host_anomaly_score').length).toBeLessThanOrEqual(CAPS.topK);
      // Every flow created is either in the table or has left it under a counted reason.
      expect(total(text, 'netscore_flows_total')).toBe(sample(text, 'netscore_flows_active')! + total(text, 'netscore_flow_evictions_total'));
      // A million source addresses, and not one of them became a label: the exposition stays small.
      expect(text.split('\n').length).toBeLessThan(1000);
    }
    const last = during.at(-1)!.text;
    expect(sample(last, 'netscore_flow_evictions_total', { reason: 'table_full' })).toBeGreaterThan(0);
    expect(sample(last, 'netscore_hosts_untracked_total')).toBeGreaterThan(0);
    expect(JSON.parse(ns.stdout())).toMatchObject({ packets: PACKETS, flows: PACKETS });

    // The victim is seen: only it has the fan-in of a million sources.
    const anomalies = readFileSync(log, 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l) as { host: string; category: string });
    expect(anomalies).toContainEqual(expect.objectContaining({ host: VICTIM, category: 'flood' }));
    console.log(
      `flood: ${during.length} scrapes while processing (slowest ${Math.max(...during.map((s) => s.ms)).toFixed(0)} ms); ` +
        `${anomalies.length} anomalies, ${anomalies.filter((a) => a.host !== VICTIM).length} of them spoofed sources`,
    );
  }, 120_000);
});
