import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { WindowBatch } from '../features/window-batch.js';
import { loadDetectorModel, saveDetectorModel } from './detector-file.js';
import { Detector } from './detector.js';
import { HOST_WARMUP_SCORED_WINDOWS, HOST_WARMUP_WINDOWS, HostDeviation } from './host-deviation.js';
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
