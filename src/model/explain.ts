import { FEATURES } from '../features/schema.js';
import type { FeatureContribution } from './anomaly.js';
import { selectMedian } from './select.js';

/** Per-feature training statistics that anomalies are explained against. */
export interface Baseline {
  /** Median of each transformed feature over the training windows. */
  readonly median: Float64Array;
  /** Robust spread of each transformed feature (scaled MAD, floored by half the standard deviation). */
  readonly scale: Float64Array;
  /** Median of each raw feature over the training windows. */
  readonly rawMedian: Float64Array;
  /** Smallest transformed value of each feature in training. */
  readonly low: Float64Array;
  /** Largest transformed value of each feature in training. */
  readonly high: Float64Array;
}

/**
 * Smallest spread per feature, so a feature that was (nearly) constant in
 * training still yields finite z-scores and a step beyond its range is
 * measured in meaningful units: a doubling (ln 2) for log1p counts, a tenth
 * for shares and other identity features.
 */
export function minScale(f: number): number {
  return FEATURES[f]?.transform === 'log1p' ? Math.LN2 : 0.1;
}

/** Median of column f of a row-major n×width array. */
function columnMedian(rows: Float64Array, n: number, width: number, f: number, scratch: Float64Array): number {
  for (let i = 0; i < n; i++) scratch[i] = rows[i * width + f];
  return selectMedian(scratch, n);
}

/** Fits a Baseline from n training rows (row-major, nFeatures wide) of transformed and raw values. */
export function fitBaseline(vectors: Float64Array, raw: Float64Array, n: number, nFeatures: number): Baseline {
  if (n < 1) throw new RangeError('a baseline needs at least one training row');
  const median = new Float64Array(nFeatures);
  const scale = new Float64Array(nFeatures);
  const rawMedian = new Float64Array(nFeatures);
  const low = new Float64Array(nFeatures).fill(Infinity);
  const high = new Float64Array(nFeatures).fill(-Infinity);
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
      if (v < low[f]) low[f] = v;
      if (v > high[f]) high[f] = v;
    }
    const std = Math.sqrt(Math.max(0, sumSq / n - (sum / n) ** 2));
    const mad = columnMedian(dev, n, nFeatures, f, scratch);
    scale[f] = Math.max(1.4826 * mad, 0.5 * std, minScale(f));
  }
  return { median, scale, rawMedian, low, high };
}

/** Writes the robust z-scores of the row vectors[at..at+F) into out[0..F). */
export function zScores(baseline: Baseline, vectors: Float64Array, at: number, out: Float64Array): void {
  for (let f = 0; f < baseline.median.length; f++) out[f] = (vectors[at + f] - baseline.median[f]) / baseline.scale[f];
}

/**
 * How far the row vectors[at..at+F) lies beyond the training range, in robust
 * scales: the largest over features of (value - high) / scale or
 * (low - value) / scale, 0 inside the range. The forest cannot see this (its
 * splits lie within the training range), so the detector blends it in.
 * Writes the per-feature excess to out when given.
 */
export function rangeExcess(baseline: Baseline, vectors: Float64Array, at: number, out?: Float64Array): number {
  let worst = 0;
  for (let f = 0; f < baseline.median.length; f++) {
    const v = vectors[at + f];
    const e = Math.max(0, (v - baseline.high[f]) / baseline.scale[f], (baseline.low[f] - v) / baseline.scale[f]);
    if (out !== undefined) out[f] = e;
    if (e > worst) worst = e;
  }
  return worst;
}

/** Robust scales beyond the training range that halve a score's distance to 1. */
export const EXCESS_HALVING = 1;

/**
 * Blends the forest score with the range excess: 1 - (1 - score)·2^(-excess/EXCESS_HALVING).
 * Equal to the forest score inside the training range (so the threshold
 * fitted on training scores keeps its meaning), monotone in both inputs,
 * and below 1 for any finite excess.
 */
export function blendScore(score: number, excess: number): number {
  return 1 - (1 - score) * 2 ** (-excess / EXCESS_HALVING);
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
