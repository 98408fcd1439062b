import { describe, expect, it } from 'vitest';
import { Prng } from '../util/prng.js';
import { selectMedian } from './select.js';

/** The median as a sort finds it: the oracle. */
function sortedMedian(values: Float64Array): number {
  const s = Float64Array.from(values).sort();
  const n = s.length;
  return n % 2 === 1 ? s[(n - 1) / 2] : (s[n / 2 - 1] + s[n / 2]) / 2;
}

describe('median by selection', () => {
  const rng = new Prng(7);
  const shapes: Record<string, (i: number, n: number) => number> = {
    uniform: () => rng.nextFloat(),
    // Feature columns are often mostly one value (a count that is usually 0).
    'mostly zeros': () => (rng.nextFloat() < 0.9 ? 0 : rng.nextFloat() * 100),
    'few values': () => Math.floor(rng.nextFloat() * 3),
    ascending: (i) => i,
    descending: (i, n) => n - i,
    constant: () => 5,
    'organ pipe': (i, n) => Math.min(i, n - i),
  };
  for (const [name, gen] of Object.entries(shapes)) {
    it(`equals the sorted median on ${name} columns of every size from 1 to 300 and some large ones`, () => {
      for (const n of [...Array.from({ length: 300 }, (_, i) => i + 1), 1023, 1024, 20_000]) {
        const values = Float64Array.from({ length: n }, (_, i) => gen(i, n));
        const want = sortedMedian(values);
        const work = Float64Array.from(values);
        expect(selectMedian(work, n), `n=${n}`).toBe(want);
        // It only reorders.
        expect(work.sort()).toEqual(Float64Array.from(values).sort());
      }
    });
  }

  it('reads only the first n values', () => {
    expect(selectMedian(Float64Array.of(3, 1, 2, -100, -100), 3)).toBe(2);
    expect(selectMedian(Float64Array.of(4, 1, 3, 2, 100), 4)).toBe(2.5);
    expect(selectMedian(new Float64Array(0), 0)).toBeNaN();
  });
});
