import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { WindowBatch } from '../features/window-batch.js';
import { loadDetectorModel, saveDetectorModel } from './detector-file.js';
import { Detector } from './detector.js';
import { HOST_SCORE_HISTORY, HOST_THRESHOLD_MIN_SCORES, HOST_WARMUP_SCORED_WINDOWS, HOST_WARMUP_WINDOWS, HostDeviation } from './host-deviation.js';
import { alertThreshold } from './threshold.js';
import { Prng } from '../util/prng.js';
import type { DetectorModel, ModelContext } from './types.js';

const F = 3;

/** One-row batch of host `host` with transformed values `v`. */
function row(host: string, v: number[]): WindowBatch {
  return { start: 0, end: 10, hosts: [host], vectors: Float64Array.from(v), raw: Float64Array.from(v) };
}

describe('HostDeviation', () => {
  it('judges a host by the model alone until it has warmed up', () => {
    const d = new HostDeviation(8, F);
    for (let i = 0; i < HOST_WARMUP_WINDOWS - 1; i++) d.learn(row('a', [1, 2, 3]), 0, true);
    expect(d.combine(row('a', [1, 2, 3]), 0, 0.9)).toBe(0.9);
    expect(d.combine(row('never', [1, 2, 3]), 0, 0.9)).toBe(0.9);
    d.learn(row('a', [1, 2, 3]), 0, true);
    // Exactly its habit: half the model's score.
    expect(d.combine(row('a', [1, 2, 3]), 0, 0.9)).toBeCloseTo(0.45, 6);
    // Far from its own history (10 doublings on one feature): nearly all of it.
    expect(d.combine(row('a', [1, 2, 3 + 10 * Math.LN2]), 0, 0.9)).toBeGreaterThan(0.89);
  });

  it('needs many more scored windows than training windows, so an attack that starts with its host is not its habit', () => {
    const d = new HostDeviation(8, F);
    for (let i = 0; i < HOST_WARMUP_SCORED_WINDOWS - 1; i++) d.learn(row('b', [5, 5, 5]), 0, false);
    expect(d.combine(row('b', [5, 5, 5]), 0, 0.9)).toBe(0.9);
    d.learn(row('b', [5, 5, 5]), 0, false);
    expect(d.combine(row('b', [5, 5, 5]), 0, 0.9)).toBeCloseTo(0.45, 6);
  });

  it('learns winsorized: one unusual window barely moves a settled baseline', () => {
    const d = new HostDeviation(8, F);
    for (let i = 0; i < 60; i++) d.learn(row('c', [1, 1, 1]), 0, true);
    const far = row('c', [1, 1, 1 + 20 * Math.LN2]);
    const before = d.combine(far, 0, 0.9);
    d.learn(far, 0, false);
    expect(d.combine(far, 0, 0.9)).toBeGreaterThan(0.98 * before);
  });

  it('is bounded, forgetting the least recently seen host and counting it', () => {
    const d = new HostDeviation(2, F);
    for (const h of ['x', 'y', 'x', 'z']) d.learn(row(h, [0, 0, 0]), 0, true);
    expect(d.size).toBe(2);
    expect(d.evicted).toBe(1);
    expect(d.toDoc().hosts).toEqual(['x', 'z']);
  });

  it('rejects malformed saved baselines with a one-line reason', () => {
    expect(() => new HostDeviation(2, F).restore({ hosts: ['a'], stats: [[1, 2]] })).toThrow(/host baseline 0 is not a host with 8 finite numbers/);
    expect(() => new HostDeviation(2, F).restore(undefined)).toThrow(RangeError);
  });
});

describe('per-host thresholds', () => {
  const RATE = 10 / 86_400;
  /** Scores with a long tail (a mail relay's): uniform below 0.5, one in ten up to 0.75. */
  const noisy = (rng: Prng) => (rng.nextInt(10) === 0 ? 0.5 + rng.nextFloat() * 0.25 : rng.nextFloat() * 0.5);

  it('derives a host threshold from its own last scores with the global tail fit, once it has enough, never below the global one', () => {
    const d = new HostDeviation(8, F, { falseAlarmRate: RATE });
    const rng = new Prng(3);
    const seen: number[] = [];
    for (let k = 0; k < HOST_THRESHOLD_MIN_SCORES - 1; k++) {
      seen.push(noisy(rng));
      d.learn(row('relay', [0, 0, 0]), 0, false, seen[k]);
    }
    expect(d.threshold('relay', 0.6)).toBe(0.6);
    seen.push(noisy(rng));
    d.learn(row('relay', [0, 0, 0]), 0, false, seen.at(-1));
    const own = alertThreshold(Float64Array.from(Float32Array.from(seen)), { falseAlarmRate: RATE });
    expect(own).toBeGreaterThan(0.75);
    expect(d.threshold('relay', 0.6)).toBe(own);
    // Never lower than the global threshold, and a host without history has the global one.
    expect(d.threshold('relay', 0.995)).toBe(0.995);
    expect(d.threshold('quiet', 0.6)).toBe(0.6);
    // Training rows carry no score: they do not count towards the history.
    for (let k = 0; k < 2 * HOST_THRESHOLD_MIN_SCORES; k++) d.learn(row('trained', [0, 0, 0]), 0, true);
    expect(d.threshold('trained', 0.6)).toBe(0.6);
  });

  it('fits the last HOST_SCORE_HISTORY scores: a host whose tail calms down gets its threshold back down', () => {
    const d = new HostDeviation(8, F, { falseAlarmRate: RATE });
    const rng = new Prng(4);
    for (let k = 0; k < HOST_SCORE_HISTORY; k++) d.learn(row('h', [0, 0, 0]), 0, false, noisy(rng));
    const before = d.threshold('h', 0.6);
    for (let k = 0; k < 2 * HOST_SCORE_HISTORY; k++) d.learn(row('h', [0, 0, 0]), 0, false, 0.3 + rng.nextFloat() * 0.01);
    expect(before).toBeGreaterThan(0.75);
    expect(d.threshold('h', 0.6)).toBe(0.6);
  });

  it('is saved and restored with the baselines, and forgotten with its host', () => {
    const d = new HostDeviation(2, F, { falseAlarmRate: RATE });
    const rng = new Prng(5);
    for (let k = 0; k < HOST_SCORE_HISTORY + 7; k++) d.learn(row('relay', [0, 0, 0]), 0, false, noisy(rng));
    const own = d.threshold('relay', 0);
    const doc = JSON.parse(JSON.stringify(d.toDoc()));
    expect(doc.scores[0]).toHaveLength(HOST_SCORE_HISTORY);
    const back = new HostDeviation(2, F, { falseAlarmRate: RATE });
    back.restore(doc);
    // Derived again from the same scores (the live one last refitted a few scores earlier).
    expect(back.threshold('relay', 0)).toBe(alertThreshold(Float64Array.from(Float32Array.from(doc.scores[0] as number[])), { falseAlarmRate: RATE }));
    expect(Math.abs(back.threshold('relay', 0) - own)).toBeLessThan(0.05);
    // A model saved before per-host thresholds has no scores: its hosts start without one.
    const old = new HostDeviation(2, F);
    old.restore({ hosts: doc.hosts, stats: doc.stats });
    expect(old.threshold('relay', 0.6)).toBe(0.6);
    expect(() => new HostDeviation(2, F).restore({ ...doc, scores: [['x']] })).toThrow(/host baseline 0 has scores that are not finite numbers/);
    back.learn(row('b', [0, 0, 0]), 0, true);
    back.learn(row('c', [0, 0, 0]), 0, true);
    expect(back.evicted).toBe(1);
    expect(back.threshold('relay', 0.6)).toBe(0.6);
  });

  it('holds each row to its host threshold in the detector: flagged, reported and learnt by it', () => {
    const anomalies: { window_start: number; host: string; threshold: number }[] = [];
    const d = new HostDeviation(8, F, { falseAlarmRate: RATE });
    const detector = new Detector({ schema: ['a', 'b', 'c'], windowSeconds: 10, warmupSeconds: 0, minTrainingRows: 8, retrainIntervalSeconds: Infinity, combiner: d }, (a) => anomalies.push(a));
    const rng = new Prng(6);
    const rows = (t: number) => ({ start: t * 10, end: t * 10 + 10, hosts: ['h1', 'h2'], vectors: Float64Array.from({ length: 6 }, () => rng.nextFloat()), raw: new Float64Array(6) });
    for (let t = 0; t < 8; t++) detector.process(rows(t));
    for (let t = 8; t < 8 + HOST_THRESHOLD_MIN_SCORES + 40; t++) {
      const b = rows(t);
      // Before the window: learning it may derive the host's threshold again.
      const before = b.hosts.map((h) => d.threshold(h, detector.threshold));
      const scores = detector.process(b) as Float64Array;
      const held = detector.rowThresholds;
      b.hosts.forEach((h, i) => {
        expect(held[i]).toBe(before[i]);
        expect(held[i]).toBeGreaterThanOrEqual(detector.threshold);
        const reported = anomalies.find((a) => a.window_start === b.start && a.host === h);
        expect(reported?.threshold).toBe(scores[i] > held[i] ? held[i] : undefined);
      });
    }
  });
});

describe('model context', () => {
  it('is saved with every fitted model and restored from a model file, so a trained history survives a restart', async () => {
    const saved: unknown[] = [];
    const context: ModelContext = { toDoc: () => ({ hosts: 3 }), restore: (doc) => saved.push(doc) };
    const d = new HostDeviation(8, F);
    const detector = new Detector({ schema: ['a', 'b', 'c'], windowSeconds: 10, warmupSeconds: Infinity, minTrainingRows: 8, context, combiner: d }, () => {});
    for (let t = 0; t < 20; t++) detector.process({ start: t * 10, end: t * 10 + 10, hosts: ['h1', 'h2'], vectors: Float64Array.of(t % 3, 1, 2, 1, t % 2, 0), raw: new Float64Array(6) });
    detector.fit(200);
    expect(detector.model?.context).toEqual({ hosts: 3 });
    expect(d.size).toBe(2);
    const dir = await mkdtemp(join(tmpdir(), 'netscore-context-'));
    try {
      await saveDetectorModel(join(dir, 'm.json'), detector.model as DetectorModel, ['a', 'b', 'c']);
      const loaded = await loadDetectorModel(join(dir, 'm.json'), ['a', 'b', 'c']);
      expect(loaded.context).toEqual({ hosts: 3 });
      new Detector({ schema: ['a', 'b', 'c'], windowSeconds: 10, context }, () => {}, loaded);
      expect(saved).toEqual([{ hosts: 3 }]);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
