import { describe, expect, it } from 'vitest';
import { HllBank } from './hll.js';
import { mix32 } from './word-hash.js';

describe('HllBank', () => {
  it('counts small sets almost exactly (linear counting)', () => {
    const hll = new HllBank(2, 7);
    for (let i = 0; i < 10; i++) for (let rep = 0; rep < 5; rep++) hll.add(1, mix32(i));
    expect(hll.estimate(1)).toBeGreaterThan(9.5);
    expect(hll.estimate(1)).toBeLessThan(10.5);
    expect(hll.estimate(0)).toBe(0);
  });

  it('stays within 3 standard errors (3 × 1.04/√m) for large sets', () => {
    const hll = new HllBank(1, 7);
    const bound = (3 * 1.04) / Math.sqrt(128);
    for (const n of [1000, 20_000, 200_000]) {
      hll.clear(0);
      for (let i = 0; i < n; i++) hll.add(0, mix32(i * 2654435761 + n));
      expect(Math.abs(hll.estimate(0) - n) / n).toBeLessThan(bound);
    }
  });

  it('keeps slots independent and clears one', () => {
    const hll = new HllBank(2, 6);
    for (let i = 0; i < 50; i++) hll.add(0, mix32(i));
    hll.add(1, mix32(7));
    hll.clear(0);
    expect(hll.estimate(0)).toBe(0);
    expect(Math.round(hll.estimate(1))).toBe(1);
  });

  it('clears, merges and loads sketches that were never added to as empty ones', () => {
    const hll = new HllBank(3, 6);
    hll.clear(0);
    hll.merge(0, hll, 1);
    expect(hll.estimate(0)).toBe(0);
    hll.add(1, mix32(3));
    hll.merge(0, hll, 1);
    expect(Math.round(hll.estimate(0))).toBe(1);
    hll.clear(0);
    expect(hll.registers.subarray(0, 64).every((r) => r === 0)).toBe(true);
    hll.load(2, hll.registers, 64);
    hll.clear(1);
    expect(Math.round(hll.estimate(2))).toBe(1);
    hll.clear(2);
    expect(hll.estimate(2)).toBe(0);
  });

  it('rejects an unsupported precision', () => {
    expect(() => new HllBank(1, 3)).toThrow(RangeError);
  });
});
