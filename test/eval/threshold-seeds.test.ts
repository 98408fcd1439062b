/**
 * Seed stability of the alert threshold on the documented synthetic training
 * (BENIGN_TRAINING, 10156 host-windows): the Isolation Forest's seed changes
 * the training rows' scores, and with them the threshold (issue #15;
 * docs/detection.md, *Seed stability of the threshold*). The spread comes
 * from the forest: it shrinks with more trees, the same tail estimator kept.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { BENIGN_TRAINING, EVAL_WINDOW, evalPipeline, feed } from '../../src/eval/scenario.js';
import { DEFAULT_FAMILY } from '../../src/model/families.js';
import { fitModel, thresholdScores } from '../../src/model/fit-model.js';
import { IsolationForest } from '../../src/model/iforest.js';
import { alertThreshold } from '../../src/model/threshold.js';
import type { FitJob } from '../../src/model/types.js';
import { trainingRows } from '../support/training-rows.js';

const SEEDS = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10];

/** Largest minus smallest. */
const spread = (xs: readonly number[]): number => Math.max(...xs) - Math.min(...xs);

describe('alert threshold over model seeds, on the benign synthetic training', () => {
  let job: FitJob;

  beforeAll(async () => {
    const pipeline = evalPipeline();
    for (const s of BENIGN_TRAINING) await feed(pipeline, s);
    pipeline.finish();
    job = { family: DEFAULT_FAMILY, ...trainingRows(pipeline), seed: 1, falseAlarmRate: EVAL_WINDOW / 86_400, contamination: undefined, now: 0 };
  }, 120_000);

  it('moves the default threshold by at most 0.11 over seeds 1-10 with 100 trees, and by less than 0.07 with 300', () => {
    const thresholds = SEEDS.map((seed) => fitModel({ ...job, seed }).threshold);
    const forest300 = SEEDS.map((seed) => {
      const forest = IsolationForest.fit(job.vectors, job.nFeatures, { trees: 300, sampleSize: 256, seed });
      return alertThreshold(thresholdScores(forest, job), { falseAlarmRate: job.falseAlarmRate });
    });
    expect(job.rows).toBe(10156);
    // Measured: 0.802-0.856 (0.054) with the default 100 trees; 0.803-0.845 (0.042) with 300 (before the training's
    // internet use, on 9557 rows: 0.764-0.866 (0.102) and 0.780-0.838 (0.058)).
    expect(spread(thresholds), thresholds.map((t) => t.toFixed(3)).join(' ')).toBeLessThan(0.11);
    expect(spread(forest300), forest300.map((t) => t.toFixed(3)).join(' ')).toBeLessThan(0.07);
  }, 60_000);
});
