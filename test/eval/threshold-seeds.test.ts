/**
 * Seed stability of the alert threshold on the documented synthetic training
 * (BENIGN_TRAINING, 9557 host-windows): the Isolation Forest's seed changes
 * the training rows' scores, and the threshold must not swing with it
 * (issue #15; docs/detection.md, *Seed stability of the threshold*).
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { BENIGN_TRAINING, EVAL_WINDOW, evalPipeline, feed } from '../../src/eval/scenario.js';
import { FEATURES } from '../../src/features/schema.js';
import { DEFAULT_FAMILY } from '../../src/model/families.js';
import { fitModel, thresholdScores } from '../../src/model/fit-model.js';
import { quantile } from '../../src/model/tail-fit.js';
import type { FitJob } from '../../src/model/types.js';
import { scoringOf } from '../../src/pipeline/build-pipeline.js';

const SEEDS = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10];

/** Largest minus smallest. */
const spread = (xs: readonly number[]): number => Math.max(...xs) - Math.min(...xs);

describe('alert threshold over model seeds, on the benign synthetic training', () => {
  let job: FitJob;

  beforeAll(async () => {
    const pipeline = evalPipeline();
    for (const s of BENIGN_TRAINING) await feed(pipeline, s);
    pipeline.finish();
    // Reservoir rows hold the transformed vector, then the raw values.
    const held = scoringOf(pipeline).detector.snapshot().reservoir;
    const nFeatures = FEATURES.length;
    const rows = held.length / (2 * nFeatures);
    const vectors = new Float64Array(rows * nFeatures);
    const raw = new Float64Array(rows * nFeatures);
    for (let r = 0; r < rows; r++) {
      vectors.set(held.subarray(2 * r * nFeatures, (2 * r + 1) * nFeatures), r * nFeatures);
      raw.set(held.subarray((2 * r + 1) * nFeatures, (2 * r + 2) * nFeatures), r * nFeatures);
    }
    job = { family: DEFAULT_FAMILY, vectors, raw, rows, nFeatures, seed: 1, falseAlarmRate: EVAL_WINDOW / 86_400, contamination: undefined, now: 0 };
  }, 60_000);

  it('moves the default threshold by less than 0.07 over seeds 1-10, against 0.11 for the 99th percentile alone', () => {
    const thresholds: number[] = [];
    const singleQuantile: number[] = [];
    for (const seed of SEEDS) {
      const model = fitModel({ ...job, seed });
      thresholds.push(model.threshold);
      // The exponential tail before: its scale read off the 99th percentile only.
      const sorted = thresholdScores(model.scorer, job).sort();
      singleQuantile.push(quantile(sorted, 0.9) + (quantile(sorted, 0.99) - quantile(sorted, 0.9)) * Math.log10(0.1 / job.falseAlarmRate));
    }
    expect(job.rows).toBe(9557);
    // Measured: 0.791-0.853 (0.062) against 0.779-0.888 (0.109).
    expect(spread(thresholds), thresholds.map((t) => t.toFixed(3)).join(' ')).toBeLessThan(0.07);
    expect(spread(singleQuantile)).toBeGreaterThan(0.1);
  }, 60_000);
});
