import { describe, expect, it } from 'vitest';
import { Prng } from '../util/prng.js';
import { Calibration } from './calibration.js';

/** n uniform scores in [0, 1). */
function uniform(n: number, seed: number): Float64Array {
  const rng = new Prng(seed);
  return Float64Array.from({ length: n }, () => rng.nextFloat());
}

describe('Calibration', () => {
  const calibration = Calibration.fit(uniform(20_000, 1));

  it('maps a score to −ln of the share of training scores above it', () => {
    // For uniform scores the share above s is 1 − s.
    for (const s of [0.1, 0.5, 0.8, 0.9]) expect(calibration.surprise(s)).toBeCloseTo(-Math.log(1 - s), 1);
    // Above the 90th percentile the uniform's bounded tail is modelled as an exponential of the same mean excess.
    for (const s of [0.95, 0.99]) expect(Math.abs(calibration.surprise(s) + Math.log(1 - s))).toBeLessThan(0.6);
    expect(calibration.surprise(-1)).toBe(0);
    expect(calibration.surprise(Number.NaN)).toBe(0);
  });

  it('rises strictly beyond the largest training score, without bound', () => {
    const beyond = [1, 1.5, 3, 100].map((s) => calibration.surprise(s));
    for (let i = 1; i < beyond.length; i++) expect(beyond[i]).toBeGreaterThan(beyond[i - 1]);
    expect(beyond[0]).toBeGreaterThan(calibration.surprise(0.99));
    expect(Number.isFinite(calibration.surprise(1e300))).toBe(true);
  });

  it('is monotone in the score', () => {
    let last = -1;
    for (let s = -0.1; s <= 1.2; s += 0.001) {
      const v = calibration.surprise(s);
      expect(v).toBeGreaterThanOrEqual(last);
      last = v;
    }
  });

  it('reads back from its JSON data and rejects what is not one', () => {
    const back = Calibration.fromDoc(JSON.parse(JSON.stringify(calibration.toDoc())), 'c');
    for (const s of [0, 0.3, 0.97, 2]) expect(back.surprise(s)).toBe(calibration.surprise(s));
    const doc = calibration.toDoc();
    expect(() => Calibration.fromDoc(null, 'c')).toThrow(/^c is not an object$/);
    expect(() => Calibration.fromDoc({ ...doc, knots: [2, 1] }, 'c')).toThrow(/c.knots is not a rising list/);
    expect(() => Calibration.fromDoc({ ...doc, tail: { ...doc.tail, sigma: 0 } }, 'c')).toThrow(/c.tail.sigma is 0, not positive/);
    expect(() => Calibration.fromDoc({ ...doc, tail: { ...doc.tail, xi: -0.2 } }, 'c')).toThrow(/c.tail.xi/);
  });

  it('fits on as few as 20 scores', () => {
    const small = Calibration.fit(uniform(20, 2));
    expect(small.surprise(0.5)).toBeGreaterThan(0);
    expect(() => Calibration.fit(uniform(19, 2))).toThrow(RangeError);
  });
});
