import { fitBaseline } from './explain.js';
import { modelFamily } from './families.js';
import { alertThreshold } from './threshold.js';
import type { DetectorModel, FitJob } from './types.js';

/** Fits the job's model family, the alert threshold and the explanation baseline on the job's rows. */
export function fitModel(job: FitJob): DetectorModel {
  const { vectors, raw, rows, nFeatures } = job;
  const scorer = modelFamily(job.family).fit(job);
  // Training rows lie inside the training range, so their blended scores are the scorer's.
  const threshold = alertThreshold(scorer.scoreMany(vectors, rows), { falseAlarmRate: job.falseAlarmRate, contamination: job.contamination, tail: job.tail });
  return { scorer, threshold, baseline: fitBaseline(vectors, raw, rows, nFeatures), samples: rows, trainedAt: job.now };
}
