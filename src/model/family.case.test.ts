import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Prng } from '../util/prng.js';
import { fitModel } from './fit-model.js';
import { loadModel, saveModel } from './model-file.js';
import type { FitJob, ModelFamily, Scorer } from './types.js';

/** Columns of the suite's rows. */
const SCHEMA = Array.from({ length: 12 }, (_, f) => `feature_${f}`);
const W = SCHEMA.length;

/** n rows of W values around 0 (sums of three uniforms), row-major. */
function inliers(n: number, seed: number): Float64Array {
  const rng = new Prng(seed);
  return Float64Array.from({ length: n * W }, () => rng.nextFloat() + rng.nextFloat() + rng.nextFloat() - 1.5);
}

/** n rows each lying far out (4 to 12 units, either side) on every feature, where inliers stay within 1.5. */
function outliers(n: number, seed: number): Float64Array {
  const rng = new Prng(seed);
  return Float64Array.from({ length: n * W }, () => (rng.nextInt(2) === 0 ? -1 : 1) * (4 + 8 * rng.nextFloat()));
}

/** A fit job on n inlier rows (raw values equal to the transformed ones). */
function job(family: ModelFamily, n: number, seed: number): FitJob {
  const vectors = inliers(n, 1);
  return { family: family.kind, vectors, raw: vectors, rows: n, nFeatures: W, seed, falseAlarmRate: 1 / 8640, contamination: undefined, now: 1_700_000_000 };
}

/** Asserts that calling `f` throws an Error with a one-line message, and returns the message. */
function oneLineError(f: () => unknown): string {
  let error: unknown;
  try {
    f();
  } catch (e) {
    error = e;
  }
  expect(error).toBeInstanceOf(Error);
  const message = (error as Error).message;
  expect(message).not.toMatch(/\n/);
  expect(message.length).toBeGreaterThan(0);
  return message;
}

/**
 * The contract every model family keeps, as one suite that each family's
 * test file runs (register the family first, so that it can be found by kind).
 */
export function modelFamilySuite(family: ModelFamily): void {
  describe(`model family ${family.kind}`, () => {
    const train = job(family, 600, 7);
    const probe = inliers(200, 2);
    const far = outliers(50, 3);
    let scorer: Scorer;
    let dir: string;
    beforeAll(async () => {
      scorer = family.fit(train);
      dir = await mkdtemp(join(tmpdir(), `netscore-family-${family.kind}-`));
    });
    afterAll(async () => {
      await rm(dir, { recursive: true, force: true });
    });

    it('fits a scorer of its kind on the job rows', () => {
      expect(scorer.kind).toBe(family.kind);
      expect(scorer.nFeatures).toBe(W);
      expect(scorer.scoreMany(probe, 200)).toHaveLength(200);
      expect(scorer.scoreMany(probe, 0)).toHaveLength(0);
    });

    it('scores every row in [0, 1], however far out', () => {
      const extreme = Float64Array.from({ length: 4 * W }, (_, i) => [0, 1e9, -1e9, 1e300][Math.floor(i / W)]);
      for (const [rows, n] of [[train.vectors, 600], [probe, 200], [far, 50], [extreme, 4]] as const) {
        for (const s of scorer.scoreMany(rows, n)) {
          expect(s).toBeGreaterThanOrEqual(0);
          expect(s).toBeLessThanOrEqual(1);
        }
      }
    });

    it('is deterministic under a seed', () => {
      const again = family.fit(job(family, 600, 7));
      expect(again.toDoc()).toEqual(scorer.toDoc());
      expect(again.scoreMany(probe, 200)).toEqual(scorer.scoreMany(probe, 200));
    });

    it('scores identically after toDoc, JSON and fromDoc', () => {
      const back = family.fromDoc(JSON.parse(JSON.stringify(scorer.toDoc())), W);
      expect(back.kind).toBe(family.kind);
      expect(back.scoreMany(probe, 200)).toEqual(scorer.scoreMany(probe, 200));
      expect(back.scoreMany(far, 50)).toEqual(scorer.scoreMany(far, 50));
    });

    it('round-trips through a model file and is found there by its kind', async () => {
      const path = join(dir, 'model.json');
      await saveModel(path, scorer, { schema: SCHEMA, threshold: 0.5 });
      const { model, meta } = await loadModel(path, SCHEMA);
      expect(model.kind).toBe(family.kind);
      expect(meta.threshold).toBe(0.5);
      expect(model.scoreMany(far, 50)).toEqual(scorer.scoreMany(far, 50));
    });

    it('rejects data of another width or no model at all, in one line', async () => {
      const doc = JSON.parse(JSON.stringify(scorer.toDoc()));
      oneLineError(() => family.fromDoc(doc, W + 1));
      oneLineError(() => family.fromDoc(doc, W - 1));
      oneLineError(() => family.fromDoc(null, W));
      oneLineError(() => family.fromDoc({}, W));
      const path = join(dir, 'schema.json');
      await saveModel(path, scorer, { schema: SCHEMA });
      await expect(loadModel(path, [...SCHEMA, 'extra'])).rejects.toThrow(/: schema mismatch at feature 12: file has 12 features, expected 13/);
      await expect(saveModel(path, scorer, { schema: SCHEMA.slice(1) })).rejects.toThrow(/schema has 11 names but the model has 12 features/);
    });

    it('scores obvious outliers above every inlier', () => {
      const inlierMax = Math.max(...scorer.scoreMany(probe, 200));
      const outlierMin = Math.min(...scorer.scoreMany(far, 50));
      expect(outlierMin).toBeGreaterThan(inlierMax);
    });

    it('gives a detector model, by kind, whose threshold flags the outliers and few inliers', () => {
      const model = fitModel(train);
      expect(model.scorer.kind).toBe(family.kind);
      expect(model.threshold).toBeGreaterThan(0);
      expect(model.threshold).toBeLessThan(1);
      expect(Math.min(...model.scorer.scoreMany(far, 50))).toBeGreaterThan(model.threshold);
      expect(model.scorer.scoreMany(probe, 200).filter((s) => s > model.threshold).length).toBeLessThanOrEqual(2);
    });
  });
}
