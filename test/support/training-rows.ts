import { FEATURES } from '../../src/features/schema.js';
import { scoringOf } from '../../src/pipeline/build-pipeline.js';
import type { Pipeline } from '../../src/pipeline/pipeline.js';

/** A pipeline's training rows (its detector's reservoir: each row the transformed vector, then the raw values) as the two matrices of a FitJob. */
export function trainingRows(pipeline: Pipeline): { vectors: Float64Array; raw: Float64Array; rows: number; nFeatures: number } {
  const held = scoringOf(pipeline).detector.snapshot().reservoir;
  const nFeatures = FEATURES.length;
  const rows = held.length / (2 * nFeatures);
  const vectors = new Float64Array(rows * nFeatures);
  const raw = new Float64Array(rows * nFeatures);
  for (let r = 0; r < rows; r++) {
    vectors.set(held.subarray(2 * r * nFeatures, (2 * r + 1) * nFeatures), r * nFeatures);
    raw.set(held.subarray((2 * r + 1) * nFeatures, (2 * r + 2) * nFeatures), r * nFeatures);
  }
  return { vectors, raw, rows, nFeatures };
}
