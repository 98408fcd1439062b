import { fitBaseline } from './explain.js';
import { modelFamily } from './families.js';
import { alertThreshold } from './threshold.js';
import type { DetectorModel, FitJob, Scorer } from './types.js';

/**
 * Most training rows scored for the alert threshold. Scoring every row of a
 * full reservoir (20,000) cost twice the fit itself; an even spread of this
 * many still puts about 40 scores above the 99th percentile the threshold
 * extrapolates from. Jobs with at most this many rows score all of them.
 */
export const THRESHOLD_ROWS = 4096;

/** Fits the job's model family, the alert threshold and the explanation baseline on the job's rows. */
export function fitModel(job: FitJob): DetectorModel {
  const { vectors, raw, rows, nFeatures } = job;
  const scorer = modelFamily(job.family).fit(job);
  const threshold = alertThreshold(thresholdScores(scorer, job), { falseAlarmRate: job.falseAlarmRate, contamination: job.contamination, tail: job.tail });
  return { scorer, threshold, baseline: fitBaseline(vectors, raw, rows, nFeatures), samples: rows, trainedAt: job.now };
}

/**
 * The scores the alert threshold is derived from: every training row's when
 * there are at most THRESHOLD_ROWS, else those of THRESHOLD_ROWS rows spread
 * evenly over the job's rows (row ⌊i·rows/THRESHOLD_ROWS⌋ for each i), so the
 * same job always gives the same scores. Training rows lie inside the
 * training range, so their blended scores are the scorer's.
 */
export function thresholdScores(scorer: Scorer, job: FitJob): Float64Array {
  const { vectors, rows, nFeatures } = job;
  if (rows <= THRESHOLD_ROWS) return scorer.scoreMany(vectors, rows);
  return scorer.scoreMany(spreadRows(vectors, rows, nFeatures), THRESHOLD_ROWS);
}

/**
 * THRESHOLD_ROWS rows spread evenly over the `rows` rows of `vectors`
 * (row-major, nFeatures wide). A function of its own, so that its loop,
 * compiled while it runs, is not thrown away when the code after it first
 * runs (see explain.ts).
 */
function spreadRows(vectors: Float64Array, rows: number, nFeatures: number): Float64Array {
  const sample = new Float64Array(THRESHOLD_ROWS * nFeatures);
  for (let i = 0; i < THRESHOLD_ROWS; i++) {
    const from = Math.floor((i * rows) / THRESHOLD_ROWS) * nFeatures;
    const to = i * nFeatures;
    for (let k = 0; k < nFeatures; k++) sample[to + k] = vectors[from + k];
  }
  return sample;
}
