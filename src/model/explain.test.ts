import { describe, expect, it } from 'vitest';
import { FEATURE_NAMES } from '../features/schema.js';
import { blendScore, fitBaseline, liftTowardThreshold, minScale, RARE_CONTACT_LIFT, rangeExcess, topFeatures, zScores } from './explain.js';

describe('explanations', () => {
  // Three features (schema columns 0-2, log1p counts); feature 1 is constant in training.
  const n = 101;
  const vectors = new Float64Array(n * 3);
  const raw = new Float64Array(n * 3);
  for (let i = 0; i < n; i++) {
    vectors.set([i / 10, 2, Math.log1p(i)], i * 3);
    raw.set([i, 7, i], i * 3);
  }
  const baseline = fitBaseline(vectors, raw, n, 3);

  it('fits medians of transformed and raw values, the range and a floored robust scale', () => {
    expect(Array.from(baseline.median)).toEqual([5, 2, Math.log1p(50)]);
    expect(Array.from(baseline.rawMedian)).toEqual([50, 7, 50]);
    expect(Array.from(baseline.low)).toEqual([0, 2, 0]);
    expect(Array.from(baseline.high)).toEqual([10, 2, Math.log1p(100)]);
    // MAD of the 0..10 grid is 2.5 → scale 1.4826·2.5.
    expect(baseline.scale[0]).toBeCloseTo(1.4826 * 2.5, 10);
    // A constant log1p count gets the floor of one doubling.
    expect(baseline.scale[1]).toBe(Math.LN2);
  });

  it('floors shares at a tenth and counts at ln 2', () => {
    expect(minScale(FEATURE_NAMES.indexOf('failed_share'))).toBe(0.1);
    expect(minScale(FEATURE_NAMES.indexOf('flows_started'))).toBe(Math.LN2);
  });

  it('ranks features by |z| and reports raw value and raw median', () => {
    const z = new Float64Array(3);
    zScores(baseline, Float64Array.of(5, 2 + 10 * Math.LN2, Math.log1p(5000)), 0, z);
    expect(z[0]).toBe(0);
    expect(z[1]).toBeCloseTo(10, 10);
    const top = topFeatures(baseline, z, Float64Array.of(50, 9, 5000), 0, ['a', 'b', 'c'], 5);
    expect(top.map((t) => t.feature)).toEqual(z[2] > z[1] ? ['c', 'b'] : ['b', 'c']);
    expect(top.find((t) => t.feature === 'c')).toEqual({ feature: 'c', value: 5000, median: 50 });
    expect(topFeatures(baseline, z, Float64Array.of(50, 9, 5000), 0, ['a', 'b', 'c'], 1)).toHaveLength(1);
  });

  it('measures the excess beyond the training range in robust scales, both ways', () => {
    const out = new Float64Array(3);
    expect(rangeExcess(baseline, Float64Array.of(10, 2, 1), 0, out)).toBe(0);
    expect(Array.from(out)).toEqual([0, 0, 0]);
    // Feature 1 three doublings above its constant value; feature 0 one scale below its minimum.
    expect(rangeExcess(baseline, Float64Array.of(-1.4826 * 2.5, 2 + 3 * Math.LN2, 1), 0, out)).toBeCloseTo(3, 10);
    expect(out[0]).toBeCloseTo(1, 10);
  });

  it('spreads a mostly-zero feature by its active part, not by the gap between zero and active', () => {
    // failed_share (a share, floor 0.1): 90 windows at 0, eleven active at 0.5..1.0 in steps of 0.05.
    const f = FEATURE_NAMES.indexOf('failed_share');
    const width = f + 1;
    const m = 101;
    const v = new Float64Array(m * width);
    for (let i = 90; i < m; i++) v[i * width + f] = 0.5 + (i - 90) * 0.05;
    const b = fitBaseline(v, v, m, width);
    expect(b.median[f]).toBe(0);
    // Active values 0.5..1.0 around their median 0.75: MAD 0.15. (Half the standard deviation of all 101 would be 0.12.)
    expect(b.scale[f]).toBeCloseTo(1.4826 * 0.15, 10);
  });

  it('blends the excess into the score: unchanged at 0, halving the gap to 1 per half scale', () => {
    expect(blendScore(0.6, 0)).toBe(0.6);
    expect(blendScore(0.6, 0.5)).toBeCloseTo(0.8, 12);
    expect(blendScore(0.6, 1)).toBeCloseTo(0.9, 12);
    expect(blendScore(0.6, 20)).toBeLessThan(1);
  });

  it('lifts a score below its threshold toward it with rare-contact evidence, never to it, and leaves the rest', () => {
    expect(liftTowardThreshold(0.4, 0.8, 0)).toBe(0.4);
    expect(liftTowardThreshold(0.4, 0.8, 1)).toBeCloseTo(0.4 + 0.4 * RARE_CONTACT_LIFT, 12);
    expect(liftTowardThreshold(0.4, 0.8, 0.5)).toBeCloseTo(0.4 + 0.2 * RARE_CONTACT_LIFT, 12);
    // Monotone in the score, and below the threshold however close the score is.
    const lifted = [0, 0.3, 0.6, 0.79, 0.8 - 1e-12].map((x) => liftTowardThreshold(x, 0.8, 1));
    expect(lifted).toEqual([...lifted].sort((a, b) => a - b));
    expect(lifted.every((x) => x < 0.8)).toBe(true);
    // At or above the threshold (flagged), or a threshold that cannot be reached (a row too thin to judge): as is.
    expect(liftTowardThreshold(0.8, 0.8, 1)).toBe(0.8);
    expect(liftTowardThreshold(0.9, 0.8, 1)).toBe(0.9);
    expect(liftTowardThreshold(0.9, Infinity, 1)).toBe(0.9);
  });
});
