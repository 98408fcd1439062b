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

// The loops below store unconditionally and count with arithmetic: a fit runs them a few times an
// hour, mostly before the optimiser has seen every branch, and a branch first taken in optimised
// code sends it back to the interpreter. Each is a function of its own, and fitBaseline holds no
// long loop: a loop compiled while it runs (on-stack replacement) in a function whose later code
// has never run is thrown away when that code is reached, and compiled again at the next fit.

/** Copies column f of the row-major n×width array `rows` into out[0..n). */
function gather(rows: Float64Array, n: number, width: number, f: number, out: Float64Array): void {
  for (let i = 0, at = f; i < n; i++, at += width) out[i] = rows[at];
}

/** Copies col[0..n) into out and writes their smallest and largest values to low[f] and high[f]. */
function range(col: Float64Array, n: number, out: Float64Array, low: Float64Array, high: Float64Array, f: number): void {
  let lo = Infinity;
  let hi = -Infinity;
  for (let i = 0; i < n; i++) {
    const v = col[i];
    out[i] = v;
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  low[f] = lo;
  high[f] = hi;
}

/** Copies the values of col[0..n) above `floor` into out; returns how many there are. */
function above(col: Float64Array, n: number, floor: number, out: Float64Array): number {
  let m = 0;
  for (let i = 0; i < n; i++) {
    const v = col[i];
    out[m] = v;
    m += +(v > floor);
  }
  return m;
}

/** Writes |v − centre| for the values v of col[0..n) into out, leaving out those equal to `skip`; returns how many. */
function deviations(col: Float64Array, n: number, centre: number, skip: number, out: Float64Array): number {
  let m = 0;
  for (let i = 0; i < n; i++) {
    const v = col[i];
    out[m] = Math.abs(v - centre);
    m += +(v !== skip);
  }
  return m;
}

/** Fits a Baseline from n training rows (row-major, nFeatures wide) of transformed and raw values. */
export function fitBaseline(vectors: Float64Array, raw: Float64Array, n: number, nFeatures: number): Baseline {
  if (n < 1) throw new RangeError('a baseline needs at least one training row');
  const median = new Float64Array(nFeatures);
  const scale = new Float64Array(nFeatures);
  const rawMedian = new Float64Array(nFeatures);
  const low = new Float64Array(nFeatures);
  const high = new Float64Array(nFeatures);
  const col = new Float64Array(n);
  const scratch = new Float64Array(n);
  for (let f = 0; f < nFeatures; f++) {
    gather(raw, n, nFeatures, f, scratch);
    rawMedian[f] = selectMedian(scratch, n);
    gather(vectors, n, nFeatures, f, col);
    range(col, n, scratch, low, high, f);
    const lo = low[f];
    const mid = selectMedian(scratch, n);
    median[f] = mid;
    // A feature whose median sits on its floor (a count that is mostly 0) spreads in its active part only.
    let m: number;
    if (mid === lo) {
      const active = above(col, n, lo, scratch);
      const centre = active === 0 ? NaN : selectMedian(scratch, active);
      m = deviations(col, n, centre, lo, scratch);
    } else {
      // NaN equals nothing, so every value counts.
      m = deviations(col, n, mid, NaN, scratch);
    }
    const mad = m > 0 ? selectMedian(scratch, m) : 0;
    scale[f] = Math.max(1.4826 * mad, minScale(f));
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
 * (low - value) / scale, 0 inside the range. A model family need not see
 * this (a forest's splits lie within the training range), so the detector
 * blends it into every family's score.
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
export const EXCESS_HALVING = 0.5;

/**
 * Blends a scorer's score with the range excess: 1 - (1 - score)·2^(-excess/EXCESS_HALVING).
 * Keeps the Scorer contract (in [0, 1], higher is more anomalous) for any family.
 * Equal to the scorer's score inside the training range (so the threshold
 * fitted on training scores keeps its meaning), monotone in both inputs,
 * and below 1 for any finite excess.
 */
export function blendScore(score: number, excess: number): number {
  return 1 - (1 - score) * 2 ** (-excess / EXCESS_HALVING);
}

/**
 * Share of the way from its score to its threshold that a row below the
 * threshold moves at full rare-contact evidence (WindowBatch.rareContact):
 * a host in contact with a service new to it that no other host uses then
 * ranks above nearly every ordinary window (0.3–0.9 measured in docs/detection.md).
 */
export const RARE_CONTACT_LIFT = 0.7;

/**
 * A score below `threshold` moved RARE_CONTACT_LIFT × `contact` (in [0, 1])
 * of the way to it: it ranks above windows without the evidence and never
 * reaches the threshold, so what is flagged does not change. A score at or
 * above the threshold, or a threshold that is not finite, is returned as is.
 */
export function liftTowardThreshold(score: number, threshold: number, contact: number): number {
  return score < threshold && threshold < Infinity ? score + (threshold - score) * RARE_CONTACT_LIFT * contact : score;
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
