import { describe, expect, it } from 'vitest';
import { Prng } from '../util/prng.js';
import { fitTail, quantile, tailQuantile, tailSurprise } from './tail-fit.js';

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

describe('quantile', () => {
  it('interpolates linearly', () => {
    expect(quantile(Float64Array.of(0, 10), 0.25)).toBe(2.5);
    expect(quantile(new Float64Array(0), 0.5)).toBeNaN();
  });
});
