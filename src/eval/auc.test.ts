import { describe, expect, it } from 'vitest';
import { rocAuc } from './auc.js';

describe('rocAuc', () => {
  it('is 1 for perfect separation and 0 for reversed', () => {
    expect(rocAuc([0.9, 0.8], [0.1, 0.2, 0.3])).toBe(1);
    expect(rocAuc([0.1], [0.5, 0.6])).toBe(0);
  });

  it('counts ties half', () => {
    // 0.5 vs {0.5, 0.4}: 0.5 + 1; 0.7 vs both: 2 → 3.5 / 4.
    expect(rocAuc([0.5, 0.7], [0.5, 0.4])).toBe(0.875);
    expect(rocAuc([0.3, 0.3], [0.3])).toBe(0.5);
  });

  it('is NaN without one of the classes', () => {
    expect(rocAuc([], [1])).toBeNaN();
    expect(rocAuc([1], [])).toBeNaN();
  });
});
