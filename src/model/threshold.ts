import { boundedTailQuantile, fitTail, quantile } from './tail-fit.js';

/** How the alert threshold is derived from the training scores. */
export interface ThresholdOptions {
  /** Target share of normal windows above the threshold (default: one per host per day of 10 s windows). */
  falseAlarmRate?: number;
  /** Contamination-style alternative: flag exactly this share of the training windows. Not the default. */
  contamination?: number;
  /** Model of the training scores' upper tail that is extrapolated to the rate (default DEFAULT_TAIL). */
  tail?: TailModel;
}

/**
 * Tail models of alertThreshold: `exponential` between the 90th and 99th
 * percentiles; `gpd`, generalized Pareto distributions fitted to the top
 * 10 % to 30 % by probability-weighted moments and bounded by the sample
 * (see fitTail, boundedTailQuantile, gpdThreshold); `heavier`, the higher
 * of the two thresholds, which is the GPD's where the fitted tail is heavier
 * than the exponential extrapolation assumes.
 */
export type TailModel = 'exponential' | 'gpd' | 'heavier';

/** Tail models by name, for options. */
export const TAIL_MODELS: readonly TailModel[] = ['exponential', 'gpd', 'heavier'];

/** Tail model used when none is chosen: the GPD bounded by the sample where it is heavier than the exponential (docs/detection.md, #15). */
export const DEFAULT_TAIL: TailModel = 'heavier';

/** One false alarm per host per day with 10-second windows. */
export const DEFAULT_FALSE_ALARM_RATE = 1 / 8640;

/** Fewest training scores the `gpd` tail is fitted to (10 excesses over the 90th percentile). */
const GPD_MIN_SCORES = 100;

/** Largest threshold derived from the tail: below 1, the largest score of any model family. */
const MAX_THRESHOLD = 0.99;

/** Shares of the training scores, the largest, that the `gpd` tail may be fitted to. */
const GPD_TAIL_SHARES = [0.1, 0.15, 0.2, 0.25, 0.3];

/** Excesses a tail fit needs before its shape no longer rests on a handful of scores. */
const GPD_STABLE_EXCESSES = 100;

/**
 * The GPD tail's threshold: the tail quantile at `rate` of a GPD fitted to
 * the top 10 % of the scores, bounded by the scores themselves
 * (boundedTailQuantile: a fit that runs above the sample's top is brought
 * down to it before it is extrapolated; docs/detection.md: on 4096 scores of
 * the two-seed training, whose largest is 0.66, the unbounded fit reached
 * 1.09). When those are fewer than GPD_STABLE_EXCESSES,
 * the mean of the quantiles (each capped at MAX_THRESHOLD) of the fits to
 * every share of GPD_TAIL_SHARES that holds at most GPD_STABLE_EXCESSES:
 * a shape fitted to the top 10 % of a few hundred scores rests on a handful
 * of them, and the extrapolation to one window a day multiplies its error
 * (docs/detection.md: on loopback-a's 257 training rows it moved with the
 * model's seed from 0.42 to the cap); deeper tails keep the shape's evidence
 * without that noise, and large samples keep the 10 % fit alone.
 */
function gpdThreshold(sorted: Float64Array, rate: number): number {
  const shares = GPD_TAIL_SHARES.filter((share, i) => i === 0 || share * sorted.length <= GPD_STABLE_EXCESSES);
  let sum = 0;
  for (const tailShare of shares) sum += Math.min(MAX_THRESHOLD, boundedTailQuantile(sorted, fitTail(sorted, { tailShare }), rate));
  return sum / shares.length;
}

/**
 * Alert threshold from the scores of the training windows. The `exponential`
 * tail models the upper tail as exponential between the 90th and 99th
 * percentiles (a peaks-over-threshold fit with shape 0, which estimates the
 * tail from its bulk and so is robust to a few training scores far above
 * the rest) and extrapolates it to the false-alarm rate:
 * q90 + (q99 - q90)·log10(0.1/rate). The `gpd` tail estimates the tail's
 * shape as well (bounded tails have a negative shape, which lowers the
 * threshold towards the tail's endpoint), bounded by the sample; it needs
 * 100 scores and falls back to the exponential below that. `heavier`, the
 * default, takes the higher of the two. Capped at MAX_THRESHOLD, so that a
 * score can still exceed it.
 */
export function alertThreshold(scores: Float64Array, opts: ThresholdOptions = {}): number {
  if (scores.length === 0) throw new RangeError('cannot derive a threshold from zero training scores');
  const sorted = Float64Array.from(scores).sort();
  if (opts.contamination !== undefined) {
    if (!(opts.contamination > 0 && opts.contamination < 1)) throw new RangeError(`contamination must be in (0, 1), got ${opts.contamination}`);
    return quantile(sorted, 1 - opts.contamination);
  }
  const rate = opts.falseAlarmRate ?? DEFAULT_FALSE_ALARM_RATE;
  if (!(rate > 0 && rate < 0.1)) throw new RangeError(`falseAlarmRate must be in (0, 0.1), got ${rate}`);
  const q90 = quantile(sorted, 0.9);
  const q99 = quantile(sorted, 0.99);
  const exponential = q90 + (q99 - q90) * Math.log10(0.1 / rate);
  const tail = opts.tail ?? DEFAULT_TAIL;
  if (tail === 'exponential' || sorted.length < GPD_MIN_SCORES) return Math.min(MAX_THRESHOLD, exponential);
  const gpd = gpdThreshold(sorted, rate);
  return Math.min(MAX_THRESHOLD, tail === 'gpd' ? gpd : Math.max(gpd, exponential));
}
