import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Decoder } from '../decode/decoder.js';
import { HostWindows } from '../features/host-windows.js';
import type { WindowBatch } from '../features/host-windows.js';
import { DEFAULT_TIMEOUTS, FlowTable } from '../flows/flow-table.js';
import { Detector } from '../model/detector.js';
import type { DetectorModel } from '../model/detector.js';
import { openCaptureFile } from '../source/capture-file.js';
import { ATTACK_TYPES, writeSynth } from '../synth/synth.js';
import type { SynthLabels } from '../synth/synth.js';
import { evaluate } from './evaluate.js';
import type { EvalReport, ScoredWindow } from './evaluate.js';

const WINDOW = 10;

/** Replays a capture file through decoder, flow table and host windows. */
async function windowsOf(path: string): Promise<WindowBatch[]> {
  const batches: WindowBatch[] = [];
  const decoder = new Decoder({});
  const hw = new HostWindows({ windowSeconds: WINDOW, maxHosts: 4096, maxFlows: 100_000 }, (b) => batches.push(b));
  const flows = new FlowTable(100_000, DEFAULT_TIMEOUTS, { flowEnded: (f) => hw.flowEnded(f) });
  let nextTick = -Infinity;
  await openCaptureFile(path).run((v) => {
    const ts = v.tsSec + v.tsNsec * 1e-9;
    const pkt = decoder.decode(v.data, v.offset, v.caplen, v.linktype);
    const slot = flows.update(pkt, v.wirelen, ts);
    if (slot >= 0) hw.packet(pkt, v.data, v.wirelen, ts, slot, flows.lastReverse, flows.lastNew);
    if (ts >= nextTick) {
      flows.expire(ts);
      hw.advance(ts);
      nextTick = ts + 1;
    }
  });
  flows.flush();
  hw.flush();
  return batches;
}

/** Scores batches with a detector (a given model, or online learning) and evaluates them. */
function score(batches: WindowBatch[], labels: SynthLabels, model?: DetectorModel, warmupSeconds?: number): EvalReport {
  const flagged = new Map<string, string>();
  const detector = new Detector({ windowSeconds: WINDOW, warmupSeconds }, (a) => flagged.set(`${a.host}|${a.window_start}`, a.category), model);
  const scored: ScoredWindow[] = [];
  for (const b of batches) {
    const scores = detector.process(b);
    if (scores === null) continue;
    b.hosts.forEach((host, i) => {
      const category = flagged.get(`${host}|${b.start}`);
      scored.push({ windowStart: b.start, host, score: scores[i], flagged: category !== undefined, category });
    });
  }
  return evaluate(scored, labels);
}

describe('detection on fixed-seed synthetic captures (train seed 100, test seeds 7 and 8)', () => {
  let dir: string;
  let model: DetectorModel;
  let report: EvalReport;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'netscore-detection-'));
    const benign = join(dir, 'benign.pcap');
    await writeSynth({ seed: 100, duration: 3600, attacks: [] }, benign);
    // Train on benign traffic of another seed: warm up over the whole capture, fit on its last window.
    const trainer = new Detector({ windowSeconds: WINDOW, warmupSeconds: 3600 - WINDOW }, () => undefined);
    for (const b of await windowsOf(benign)) trainer.process(b);
    model = trainer.model as DetectorModel;
    // Two attack captures of unseen seeds, one after the other, pooled into one evaluation.
    const batches: WindowBatch[] = [];
    const labels: SynthLabels = { evaluation: { window_s: WINDOW }, attacks: [] };
    for (const [seed, start] of [[7, 1_700_000_000], [8, 1_700_001_000]]) {
      const path = join(dir, `attack-${seed}.pcap`);
      const written = await writeSynth({ seed, start, duration: 600, attacks: [...ATTACK_TYPES] }, path);
      labels.attacks.push(...written.labels.attacks);
      batches.push(...(await windowsOf(path)));
    }
    report = score(batches, labels, model);
  }, 60_000);

  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('stays quiet on normal traffic of an unseen seed', () => {
    expect(report.benignWindows).toBeGreaterThan(500);
    expect(report.falsePositiveRate).toBeLessThanOrEqual(0.005);
  });

  it('detects volume, scan, tunnel, brute-force and exfiltration attacks', () => {
    for (const type of ['scan', 'synflood', 'udpflood', 'dnstunnel', 'bruteforce', 'exfil']) {
      expect(report.perType[type].windows, type).toBeGreaterThan(0);
      expect(report.perType[type].recall, type).toBeGreaterThanOrEqual(0.9);
    }
  });

  it('names the attacks by category', () => {
    expect(report.perType.dnstunnel.categories['dns-tunnel']).toBe(report.perType.dnstunnel.detected);
    expect(report.perType.scan.categories.scan).toBe(report.perType.scan.detected);
    expect(report.perType.synflood.categories.flood).toBe(report.perType.synflood.detected);
  });

  it('ranks attack windows above benign ones (beacon and slow scan windows included)', () => {
    expect(report.auc).toBeGreaterThanOrEqual(0.9);
  });
});
