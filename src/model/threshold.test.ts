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

  it('is robust to a few attack windows in training', () => {
    const clean = exponentialScores(10_000, 3);
    // 0.2% attack windows: the 99th percentile barely moves, unlike a fit on the maximum.
    const dirty = Float64Array.from([...clean, ...new Array(20).fill(0.95)]);
    expect(Math.abs(alertThreshold(dirty) - alertThreshold(clean))).toBeLessThan(0.02);
  });

  it('supports a contamination quantile, which is not the default', () => {
    const scores = Float64Array.from({ length: 1001 }, (_, i) => i / 1000);
    expect(alertThreshold(scores, { contamination: 0.1 })).toBeCloseTo(0.9, 10);
    expect(alertThreshold(scores)).toBeGreaterThan(0.98);
  });

  it('rejects bad inputs', () => {
    expect(() => alertThreshold(new Float64Array(0))).toThrow(RangeError);
    expect(() => alertThreshold(Float64Array.of(0.5), { contamination: 1.5 })).toThrow(RangeError);
    expect(() => alertThreshold(Float64Array.of(0.5), { falseAlarmRate: 0.5 })).toThrow(RangeError);
  });
});
