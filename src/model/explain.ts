import type { FeatureContribution } from './anomaly.js';

/** Per-feature training statistics that anomalies are explained against. */
export interface Baseline {
  /** Median of each transformed feature over the training windows. */
  readonly median: Float64Array;
  /** Robust spread of each transformed feature (scaled MAD, floored by half the standard deviation). */
  readonly scale: Float64Array;
  /** Median of each raw feature over the training windows. */
  readonly rawMedian: Float64Array;
}

/** Smallest spread, so a feature that was constant in training still yields finite z-scores. */
const MIN_SCALE = 0.05;

/** Median of column f of a row-major n×width array. */
function columnMedian(rows: Float64Array, n: number, width: number, f: number, scratch: Float64Array): number {
  for (let i = 0; i < n; i++) scratch[i] = rows[i * width + f];
  const s = scratch.subarray(0, n).sort();
  return n % 2 === 1 ? s[(n - 1) / 2] : (s[n / 2 - 1] + s[n / 2]) / 2;
}

/** Fits a Baseline from n training rows (row-major, nFeatures wide) of transformed and raw values. */
export function fitBaseline(vectors: Float64Array, raw: Float64Array, n: number, nFeatures: number): Baseline {
  if (n < 1) throw new RangeError('a baseline needs at least one training row');
  const median = new Float64Array(nFeatures);
  const scale = new Float64Array(nFeatures);
  const rawMedian = new Float64Array(nFeatures);
  const scratch = new Float64Array(n);
  const dev = new Float64Array(n * nFeatures);
  for (let f = 0; f < nFeatures; f++) {
    median[f] = columnMedian(vectors, n, nFeatures, f, scratch);
    rawMedian[f] = columnMedian(raw, n, nFeatures, f, scratch);
    let sum = 0;
    let sumSq = 0;
    for (let i = 0; i < n; i++) {
      const v = vectors[i * nFeatures + f];
      dev[i * nFeatures + f] = Math.abs(v - median[f]);
      sum += v;
      sumSq += v * v;
    }
    const std = Math.sqrt(Math.max(0, sumSq / n - (sum / n) ** 2));
    const mad = columnMedian(dev, n, nFeatures, f, scratch);
    scale[f] = Math.max(1.4826 * mad, 0.5 * std, MIN_SCALE);
  }
  return { median, scale, rawMedian };
}

/** Writes the robust z-scores of the row vectors[at..at+F) into out[0..F). */
export function zScores(baseline: Baseline, vectors: Float64Array, at: number, out: Float64Array): void {
  for (let f = 0; f < baseline.median.length; f++) out[f] = (vectors[at + f] - baseline.median[f]) / baseline.scale[f];
}

/**
 * The k features with the largest |z| (at least minZ), most important first,
 * with the host's raw value and the training raw median.
 */
export function topFeatures(baseline: Baseline, z: Float64Array, raw: Float64Array, at: number, names: readonly string[], k = 5, minZ = 1): FeatureContribution[] {
  const order = Array.from(z.keys())
    .filter((f) => Math.abs(z[f]) >= minZ)
    .sort((a, b) => Math.abs(z[b]) - Math.abs(z[a]))
    .slice(0, k);
  return order.map((f) => ({ feature: names[f], value: raw[at + f], median: baseline.rawMedian[f] }));
}
