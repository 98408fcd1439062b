import { describe, expect, it } from 'vitest';
import { averagePathLength } from './iforest-path.js';

describe('averagePathLength', () => {
  it('has the closed-form values of the paper', () => {
    expect(averagePathLength(0)).toBe(0);
    expect(averagePathLength(1)).toBe(0);
    expect(averagePathLength(2)).toBe(1);
    // 2 (ln 255 + 0.5772156649) - 2 * 255 / 256 = 10.24477...
    expect(averagePathLength(256)).toBeCloseTo(10.2448, 3);
  });

  it('tracks the exact BST expectation 2 H(n-1) - 2 (n-1) / n for large n', () => {
    let harmonic = 0;
    for (let i = 1; i < 10_000; i++) harmonic += 1 / i;
    const exact = 2 * harmonic - (2 * 9_999) / 10_000;
    expect(Math.abs(averagePathLength(10_000) - exact)).toBeLessThan(1e-3);
  });
});
