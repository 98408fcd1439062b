import { fromHstDoc, HalfSpaceTrees, HST_KIND } from './hst.js';
import type { ModelFamily } from './types.js';

/** The Half-Space Trees family (Tan, Ting and Liu 2011): 25 trees of depth 10, walks ending below 1 % of the training rows. */
export const hstFamily: ModelFamily = {
  kind: HST_KIND,
  fit: (job) => HalfSpaceTrees.fit(job.vectors, job.rows, job.nFeatures, { seed: job.seed }),
  fromDoc: fromHstDoc,
};
