import { describe, expect, it } from 'vitest';
import { Prng } from '../util/prng.js';
import { alertThreshold } from './threshold.js';

/** Scores with an exponential upper tail: 0.4 + Exp(mean 0.02), capped below 1. */
function exponentialScores(n: number, seed: number): Float64Array {
  const rng = new Prng(seed);
  return Float64Array.from({ length: n }, () => Math.min(0.999, 0.4 - 0.02 * Math.log(1 - rng.nextFloat())));
}

describe('alertThreshold', () => {
  it('extrapolates an exponential tail to the false-alarm rate', () => {
    const scores = exponentialScores(20_000, 1);
    const rate = 1 / 8640;
    // True quantile of 0.4 + Exp(0.02) at 1 - rate.
    const truth = 0.4 + 0.02 * Math.log(1 / rate);
    expect(alertThreshold(scores, { falseAlarmRate: rate })).toBeCloseTo(truth, 1);
    // Fresh normal scores from the same distribution almost never exceed it.
    const t = alertThreshold(scores);
    const fresh = exponentialScores(200_000, 2);
    const over = fresh.filter((s) => s > t).length / fresh.length;
    expect(over).toBeLessThan(5 / 8640);
  });

  it('with the exponential tail, is robust to a few training windows far above the rest; the GPD tails are not', () => {
    const clean = exponentialScores(10_000, 3);
    // 0.2% windows at 0.95: the 99th percentile barely moves, unlike a fit on the maximum.
    const dirty = Float64Array.from([...clean, ...new Array(20).fill(0.95)]);
    expect(Math.abs(alertThreshold(dirty, { tail: 'exponential' }) - alertThreshold(clean, { tail: 'exponential' }))).toBeLessThan(0.02);
    // The GPD tails read the top 10 %, those windows included (docs/detection.md: attack windows scored by
    // the model trained on them stay far lower, and move the `heavier` threshold no more than the exponential).
    for (const tail of ['gpd', 'heavier'] as const) expect(alertThreshold(dirty, { tail }) - alertThreshold(clean, { tail }), tail).toBeGreaterThan(0.2);
  });

  it('supports a contamination quantile, which is not the default', () => {
    const scores = Float64Array.from({ length: 1001 }, (_, i) => i / 1000);
    expect(alertThreshold(scores, { contamination: 0.1 })).toBeCloseTo(0.9, 10);
    expect(alertThreshold(scores)).toBeGreaterThan(0.98);
  });

  it('with a generalized Pareto tail, holds the rate where the exponential extrapolation stops short', () => {
    // 0.3 + 0.01·GPD(shape 0.3): a heavy tail; the share above 0.3 + (0.01/0.3)·(p^-0.3 − 1) is p.
    const heavy = (n: number, seed: number): Float64Array => {
      const rng = new Prng(seed);
      return Float64Array.from({ length: n }, () => 0.3 + (0.01 / 0.3) * ((1 - rng.nextFloat()) ** -0.3 - 1));
    };
    const rate = 1 / 8640;
    const truth = 0.3 + (0.01 / 0.3) * (rate ** -0.3 - 1);
    const scores = heavy(20_000, 4);
    const exponential = alertThreshold(scores, { falseAlarmRate: rate, tail: 'exponential' });
    const gpd = alertThreshold(scores, { falseAlarmRate: rate, tail: 'gpd' });
    expect(exponential).toBeLessThan(0.8 * truth);
    expect(Math.abs(gpd - truth) / truth).toBeLessThan(0.1);
    expect(alertThreshold(scores, { falseAlarmRate: rate, tail: 'heavier' })).toBe(Math.max(gpd, exponential));
    const fresh = heavy(500_000, 5);
    const over = (t: number) => fresh.filter((s) => s > t).length / fresh.length;
    expect(over(gpd)).toBeLessThan(2 * rate);
    expect(over(exponential)).toBeGreaterThan(4 * rate);
  });

  it('with a generalized Pareto tail, stays within the sample where the sample reaches the rate', () => {
    // A mixture of two exponentials cut at a ceiling (training rows' scores end below one): the top 10 %
    // reads as heavy (shape > 0), and the unbounded fit put its threshold far beyond every score.
    const ceiling = 0.6;
    const mixture = (n: number, seed: number): Float64Array => {
      const rng = new Prng(seed);
      const out = new Float64Array(n);
      for (let i = 0; i < n; ) {
        const x = 0.3 - (rng.nextFloat() < 0.9 ? 0.02 : 0.06) * Math.log(1 - rng.nextFloat());
        if (x <= ceiling) out[i++] = x;
      }
      return out;
    };
    const rate = 1 / 8640;
    const scores = mixture(20_000, 10);
    const gpd = alertThreshold(scores, { falseAlarmRate: rate, tail: 'gpd' });
    expect(gpd).toBeLessThanOrEqual(Math.max(...scores));
    const fresh = mixture(500_000, 11);
    const over = fresh.filter((s) => s > gpd).length / fresh.length;
    expect(over).toBeGreaterThan(rate / 3);
    expect(over).toBeLessThan(3 * rate);
  });

  it('keeps the exponential threshold for the `heavier` tail when the tail is bounded, and below 100 scores', () => {
    const scores = exponentialScores(20_000, 6).map((s) => Math.min(s, 0.45));
    const exponential = alertThreshold(scores, { tail: 'exponential' });
    expect(alertThreshold(scores, { tail: 'heavier' })).toBe(exponential);
    expect(alertThreshold(scores, { tail: 'gpd' })).toBeLessThan(exponential);
    const few = exponentialScores(99, 7);
    expect(alertThreshold(few, { tail: 'gpd' })).toBe(alertThreshold(few, { tail: 'exponential' }));
  });

  it('rejects bad inputs', () => {
    expect(() => alertThreshold(new Float64Array(0))).toThrow(RangeError);
    expect(() => alertThreshold(Float64Array.of(0.5), { contamination: 1.5 })).toThrow(RangeError);
    expect(() => alertThreshold(Float64Array.of(0.5), { falseAlarmRate: 0.5 })).toThrow(RangeError);
  });
});
