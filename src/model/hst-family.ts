import { fromHstDoc, HalfSpaceTrees, HST_KIND } from './hst.js';
import type { ModelFamily } from './types.js';

/**
 * Trees of the family: four times the paper's 25, because the alert
 * threshold extrapolates the training scores' upper tail, whose few largest
 * scores vary with the random tree structure far more than the bulk does
 * (docs/detection.md has the seeds' thresholds); scoring cost grows in proportion.
 */
const HST_TREES = 100;

/** The Half-Space Trees family (Tan, Ting and Liu 2011): HST_TREES trees of depth 10, walks ending below 1 % of the training rows. */
export const hstFamily: ModelFamily = {
  kind: HST_KIND,
  fit: (job) => HalfSpaceTrees.fit(job.vectors, job.rows, job.nFeatures, { seed: job.seed, trees: HST_TREES }),
  fromDoc: fromHstDoc,
};
