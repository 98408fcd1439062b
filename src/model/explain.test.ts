import { describe, expect, it } from 'vitest';
import { fitBaseline, topFeatures, zScores } from './explain.js';

describe('explanations', () => {
  // Three features; feature 1 is constant in training.
  const n = 101;
  const vectors = new Float64Array(n * 3);
  const raw = new Float64Array(n * 3);
  for (let i = 0; i < n; i++) {
    vectors.set([i / 100, 2, Math.log1p(i)], i * 3);
    raw.set([i, 7, i], i * 3);
  }
  const baseline = fitBaseline(vectors, raw, n, 3);

  it('fits medians of transformed and raw values and a floored robust scale', () => {
    expect(Array.from(baseline.median)).toEqual([0.5, 2, Math.log1p(50)]);
    expect(Array.from(baseline.rawMedian)).toEqual([50, 7, 50]);
    // MAD of 0..1 uniform grid is 0.25 → scale 1.4826·0.25.
    expect(baseline.scale[0]).toBeCloseTo(1.4826 * 0.25, 10);
    expect(baseline.scale[1]).toBe(0.05);
  });

  it('ranks features by |z| and reports raw value and raw median', () => {
    const z = new Float64Array(3);
    zScores(baseline, Float64Array.of(0.5, 2.5, Math.log1p(5000)), 0, z);
    expect(z[0]).toBe(0);
    expect(z[1]).toBeCloseTo(10, 10);
    const top = topFeatures(baseline, z, Float64Array.of(50, 9, 5000), 0, ['a', 'b', 'c'], 5);
    expect(top.map((t) => t.feature)).toEqual(z[2] > z[1] ? ['c', 'b'] : ['b', 'c']);
    expect(top.find((t) => t.feature === 'c')).toEqual({ feature: 'c', value: 5000, median: 50 });
    expect(topFeatures(baseline, z, Float64Array.of(50, 9, 5000), 0, ['a', 'b', 'c'], 1)).toHaveLength(1);
  });
});
