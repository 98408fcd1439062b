import { describe, expect, it } from 'vitest';
import { Prng } from '../util/prng.js';
import { boundedTailQuantile, fitTail, quantile, sampleQuantile, tailQuantile, tailSurprise } from './tail-fit.js';

/** n ascending draws of `draw(u)` for uniform u in (0, 1]. */
function sample(n: number, seed: number, draw: (u: number) => number): Float64Array {
  const rng = new Prng(seed);
  return Float64Array.from({ length: n }, () => draw(1 - rng.nextFloat())).sort();
}

/** Inverse survival function of a generalized Pareto distribution: the value a share u exceeds. */
function gpdValue(u: number, sigma: number, xi: number): number {
  return xi === 0 ? -sigma * Math.log(u) : (sigma / xi) * (u ** -xi - 1);
}

describe('fitTail', () => {
  it('finds an exponential tail and its far quantiles', () => {
    // 5 + Exp(mean 2): the value exceeded by a share p is 5 + 2·ln(1/p).
    const xs = sample(50_000, 1, (u) => 5 + gpdValue(u, 2, 0));
    const fit = fitTail(xs);
    expect(fit.zeta).toBeCloseTo(0.1, 6);
    expect(fit.u).toBeCloseTo(5 + 2 * Math.log(10), 1);
    expect(Math.abs(fit.xi)).toBeLessThan(0.05);
    expect(fit.sigma).toBeCloseTo(2, 0);
    for (const p of [1e-3, 1e-4, 1e-5]) {
      const truth = 5 + 2 * Math.log(1 / p);
      expect(Math.abs(tailQuantile(fit, p) - truth) / truth).toBeLessThan(0.05);
    }
  });

  it('finds a heavy tail (shape 0.3) where an exponential would stop short', () => {
    const xs = sample(50_000, 2, (u) => gpdValue(u, 1, 0.3));
    const fit = fitTail(xs);
    expect(fit.xi).toBeGreaterThan(0.2);
    expect(fit.xi).toBeLessThan(0.4);
    const truth = gpdValue(1e-4, 1, 0.3);
    expect(Math.abs(tailQuantile(fit, 1e-4) - truth) / truth).toBeLessThan(0.15);
  });

  it('finds a bounded tail (shape −0.3) and stays below its endpoint', () => {
    // GPD(σ 1, ξ −0.3) ends at 1/0.3; its excesses over any level are GPD with the same shape.
    const xs = sample(50_000, 3, (u) => gpdValue(u, 1, -0.3));
    const fit = fitTail(xs);
    expect(fit.xi).toBeGreaterThan(-0.4);
    expect(fit.xi).toBeLessThan(-0.2);
    const truth = gpdValue(1e-4, 1, -0.3);
    expect(Math.abs(tailQuantile(fit, 1e-4) - truth)).toBeLessThan(0.1);
    expect(tailQuantile(fit, 1e-9)).toBeLessThan(1 / 0.3 + 0.1);
    expect(tailSurprise(fit, 10)).toBe(Infinity);
  });

  it('keeps the shape at or above minShape', () => {
    const xs = sample(20_000, 4, (u) => gpdValue(u, 1, -0.3));
    const fit = fitTail(xs, { minShape: 0 });
    expect(fit.xi).toBe(0);
    expect(Number.isFinite(tailSurprise(fit, 1e6))).toBe(true);
  });

  it('surprise is −ln of the exceedance share the quantile was asked for', () => {
    const xs = sample(10_000, 5, (u) => gpdValue(u, 0.5, 0.1));
    const fit = fitTail(xs);
    for (const p of [0.05, 1e-3, 1e-6]) expect(tailSurprise(fit, tailQuantile(fit, p))).toBeCloseTo(-Math.log(p), 9);
    expect(tailSurprise(fit, fit.u)).toBeCloseTo(-Math.log(0.1), 9);
  });

  it('needs ten excesses and an exceedance share inside the tail', () => {
    expect(() => fitTail(new Float64Array(99))).toThrow(/at least 100 values, got 99/);
    expect(() => fitTail(new Float64Array(100), { tailShare: 1 })).toThrow(RangeError);
    const fit = fitTail(sample(1000, 6, (u) => u));
    expect(() => tailQuantile(fit, 0.2)).toThrow(RangeError);
    expect(() => tailQuantile(fit, 0)).toThrow(RangeError);
  });

  it('has a positive scale when the tail is one repeated value', () => {
    const fit = fitTail(new Float64Array(1000).fill(0.5));
    expect(fit.sigma).toBeGreaterThan(0);
    expect(tailQuantile(fit, 1e-4)).toBeCloseTo(0.5, 6);
  });
});

/** Survival function of 0.9·Exp(mean 0.02) + 0.1·Exp(mean 0.06): a mixture whose top 10 % a single GPD reads as heavy. */
const mixtureSurvival = (x: number): number => 0.9 * Math.exp(-x / 0.02) + 0.1 * Math.exp(-x / 0.06);

/** The x with mixtureSurvival(x) = share, by bisection. */
function mixtureValue(share: number): number {
  let lo = 0;
  let hi = 5;
  for (let i = 0; i < 100; i++) {
    const mid = (lo + hi) / 2;
    if (mixtureSurvival(mid) > share) lo = mid;
    else hi = mid;
  }
  return lo;
}

describe('boundedTailQuantile', () => {
  it('stays within the sample where it reaches the rate, when the fit runs above the sample\'s top', () => {
    // The mixture cut at its 1e-3 quantile, as scores of training rows end below a ceiling: the share
    // above x ≤ end is (S(x) − 1e-3)/(1 − 1e-3). 20,000 values reach the rate 1/8640 about 2.3 times.
    const cut = 1e-3;
    const end = mixtureValue(cut);
    const rate = 1 / 8640;
    const truth = mixtureValue(rate * (1 - cut) + cut);
    const rng = new Prng(8);
    const values: number[] = [];
    while (values.length < 20_000) {
      const x = -(rng.nextFloat() < 0.9 ? 0.02 : 0.06) * Math.log(1 - rng.nextFloat());
      if (x <= end) values.push(x);
    }
    const xs = Float64Array.from(values).sort();
    const fit = fitTail(xs);
    expect(fit.xi).toBeGreaterThan(0.1);
    // The unbounded fit extrapolates past the end of the distribution (the documented failure).
    expect(tailQuantile(fit, rate)).toBeGreaterThan(end + 0.05);
    const bounded = boundedTailQuantile(xs, fit, rate);
    expect(bounded).toBeLessThanOrEqual(xs[xs.length - 1]);
    expect(Math.abs(bounded - truth)).toBeLessThan(0.01);
  });

  it('keeps a fit that agrees with its sample, and is never above the fit', () => {
    // A heavy GPD (shape 0.3): the fit follows the sample's top, so the bound moves it by little.
    const xs = sample(50_000, 9, (u) => gpdValue(u, 1, 0.3));
    const fit = fitTail(xs);
    for (const p of [1e-3, 1e-4, 1e-6]) {
      const bounded = boundedTailQuantile(xs, fit, p);
      expect(bounded).toBeLessThanOrEqual(tailQuantile(fit, p));
      const truth = gpdValue(p, 1, 0.3);
      expect(Math.abs(bounded - truth) / truth).toBeLessThan(0.15);
    }
    // A few large values (attack windows in training) raise the sample's top, never the bounded quantile above the fit.
    const dirty = Float64Array.from([...xs, 1e3, 1e3, 1e3]).sort();
    const dirtyFit = fitTail(dirty);
    expect(boundedTailQuantile(dirty, dirtyFit, 1e-6)).toBeLessThanOrEqual(tailQuantile(dirtyFit, 1e-6));
  });
});

describe('sampleQuantile', () => {
  it('reads the j-th largest of n at the share j/(n + 1) and interpolates between', () => {
    // 1, 2, ..., 999: the j-th largest, 1000 − j, stands for the share j/1000.
    const xs = Float64Array.from({ length: 999 }, (_, i) => i + 1);
    expect(sampleQuantile(xs, 0.003)).toBeCloseTo(997, 9);
    expect(sampleQuantile(xs, 0.0035)).toBeCloseTo(996.5, 9);
    expect(sampleQuantile(xs, 1e-6)).toBe(999);
    expect(sampleQuantile(xs, 0.9999)).toBe(1);
    expect(sampleQuantile(new Float64Array(0), 0.5)).toBeNaN();
  });
});

describe('quantile', () => {
  it('interpolates linearly', () => {
    expect(quantile(Float64Array.of(0, 10), 0.25)).toBe(2.5);
    expect(quantile(new Float64Array(0), 0.5)).toBeNaN();
  });
});
