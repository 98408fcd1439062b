import { describe, expect, it } from 'vitest';
import { N_FEATURES } from '../features/schema.js';
import { Prng } from '../util/prng.js';
import { fitModel } from './fit-model.js';
import type { FitJob } from './types.js';
import { workerFitter } from './worker-fitter.js';

/** A job on n random rows (in ordinary arrays, which the worker gets copies of). */
function job(n: number, seed = 3): FitJob {
  const rng = new Prng(seed);
  const vectors = Float64Array.from({ length: n * N_FEATURES }, () => rng.nextFloat());
  const raw = vectors.map((v) => Math.expm1(v * 5));
  return { family: 'iforest', vectors, raw, rows: n, nFeatures: N_FEATURES, seed: 9, falseAlarmRate: 1 / 8640, contamination: undefined, now: 1_700_000_000 };
}

describe('workerFitter', () => {
  it('fits on the worker thread exactly the model fitModel fits in line', async () => {
    const fitter = workerFitter();
    const [inWorker, inLine] = [await fitter(job(3000)), fitModel(job(3000))];
    expect(inWorker.threshold).toBe(inLine.threshold);
    expect(inWorker.baseline).toEqual(inLine.baseline);
    expect(inWorker.samples).toBe(3000);
    expect(inWorker.trainedAt).toBe(1_700_000_000);
    expect(inWorker.scorer.toDoc()).toEqual(inLine.scorer.toDoc());
    const probe = job(500, 4);
    expect(inWorker.scorer.scoreMany(probe.vectors, 500)).toEqual(inLine.scorer.scoreMany(probe.vectors, 500));
  });

  it('answers fits in the order asked, and a failing fit with its reason', async () => {
    const fitter = workerFitter();
    const results = await Promise.allSettled([fitter(job(300, 1)), fitter(job(1)), fitter(job(300, 2))]);
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    expect((results[1] as PromiseRejectedResult).reason.message).toBe('model fit failed: need at least 2 training rows, got 1');
    expect((results[0] as PromiseFulfilledResult<{ threshold: number }>).value.threshold).toBe(fitModel(job(300, 1)).threshold);
    expect((results[2] as PromiseFulfilledResult<{ threshold: number }>).value.threshold).toBe(fitModel(job(300, 2)).threshold);
  });

  it('fails each fit with one line when the worker cannot start, and tries again on the next fit', async () => {
    const fitter = workerFitter(new URL('./no-such-worker.js', import.meta.url));
    for (let i = 0; i < 2; i++) {
      const err = await fitter(job(100)).then(() => undefined, (e: Error) => e);
      expect(err?.message).toMatch(/^model fit worker stopped: .*no-such-worker\.js/);
      expect(err?.message).not.toContain('\n');
    }
  });
});
