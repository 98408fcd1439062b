import { IFOREST_KIND, IsolationForest } from './iforest.js';
import { parseForestDoc } from './iforest-doc.js';
import { ModelDocError } from './model-doc.js';
import type { ModelFamily } from './types.js';

/** Trees per forest. */
const TREES = 100;
/** Rows sub-sampled per tree (capped at the training rows). */
const SAMPLE_SIZE = 256;

/** The Isolation Forest family (Liu, Ting and Zhou 2008): its score 2^(-E[h(x)]/c(ψ)) lies in (0, 1]. */
export const iforestFamily: ModelFamily = {
  kind: IFOREST_KIND,
  fit: (job) => IsolationForest.fit(job.vectors.subarray(0, job.rows * job.nFeatures), job.nFeatures, { trees: TREES, sampleSize: SAMPLE_SIZE, seed: job.seed }),
  fromDoc(doc, nFeatures) {
    const { params, trees } = parseForestDoc(doc, nFeatures);
    try {
      return new IsolationForest(params, trees);
    } catch (error) {
      throw new ModelDocError(`corrupt model: ${(error as Error).message}`, { cause: error });
    }
  },
};
