import { N_FEATURES } from '../features/schema.js';
import type { DetectorModel } from './detector.js';
import { fitBaseline } from './explain.js';
import { IsolationForest } from './iforest.js';
import { alertThreshold } from './threshold.js';

/** Everything one detector fit needs; plain data, so it can be posted to a worker thread. */
export interface FitJob {
  /** Training rows, transformed feature vectors, row-major. */
  readonly vectors: Float64Array;
  /** The same rows' raw feature values, row-major. */
  readonly raw: Float64Array;
  /** Number of rows. */
  readonly rows: number;
  /** Trees per forest. */
  readonly trees: number;
  /** Rows sub-sampled per tree. */
  readonly sampleSize: number;
  /** Forest seed. */
  readonly seed: number;
  /** Expected share of flagged normal host-windows, which sets the threshold. */
  readonly falseAlarmRate: number;
  /** Contamination-style share of training rows above the threshold (overrides falseAlarmRate). */
  readonly contamination: number | undefined;
  /** Packet time of the fit, seconds since the epoch. */
  readonly now: number;
}

/** Fits forest, alert threshold and explanation baseline on a job's rows. */
export function fitModel(job: FitJob): DetectorModel {
  const { vectors, raw, rows } = job;
  const forest = IsolationForest.fit(vectors, N_FEATURES, { trees: job.trees, sampleSize: job.sampleSize, seed: job.seed });
  // Training rows lie inside the training range, so their blended scores are the forest's.
  const threshold = alertThreshold(forest.scoreMany(vectors, rows), { falseAlarmRate: job.falseAlarmRate, contamination: job.contamination });
  return { forest, threshold, baseline: fitBaseline(vectors, raw, rows, N_FEATURES), samples: rows, trainedAt: job.now };
}
