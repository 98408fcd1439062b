import { describe, expect, it } from 'vitest';
import { Reservoir } from './reservoir.js';

describe('Reservoir', () => {
  it('keeps everything until full, then a uniform sample', () => {
    const r = new Reservoir(100, 1, 7);
    const row = new Float64Array(1);
    for (let i = 0; i < 50; i++) r.add(Float64Array.of(i));
    expect(Array.from(r.rows())).toEqual(Array.from({ length: 50 }, (_, i) => i));
    for (let i = 50; i < 10_000; i++) {
      row[0] = i;
      r.add(row);
    }
    expect(r.size).toBe(100);
    // Uniform over 0..9999: the mean is near 5000 (sd of the mean ≈ 289).
    const mean = r.rows().reduce((s, v) => s + v, 0) / 100;
    expect(Math.abs(mean - 5000)).toBeLessThan(1200);
  });

  it('is reproducible for a seed and copies the offered slice', () => {
    const run = (seed: number) => {
      const r = new Reservoir(10, 2, seed);
      const buf = new Float64Array(4);
      for (let i = 0; i < 1000; i++) {
        buf.set([i, -i], 2);
        r.add(buf, 2);
      }
      return Array.from(r.rows());
    };
    const a = run(3);
    expect(run(3)).toEqual(a);
    expect(run(4)).not.toEqual(a);
    for (let i = 0; i < a.length; i += 2) expect(a[i + 1]).toBe(-a[i]);
  });

  it('age() makes new rows replace old ones quickly', () => {
    const r = new Reservoir(100, 1, 1);
    for (let i = 0; i < 100_000; i++) r.add(Float64Array.of(0));
    r.age();
    for (let i = 0; i < 100; i++) r.add(Float64Array.of(1));
    // Without ageing about 0.1 of a row would be replaced; with it, roughly 100·ln 2 ≈ 69.
    const fresh = r.rows().reduce((s, v) => s + v, 0);
    expect(fresh).toBeGreaterThan(40);
  });

  it('claim() and put() keep the rows add() keeps, in the same slots', () => {
    const viaAdd = new Reservoir(50, 3, 5);
    const viaClaim = new Reservoir(50, 3, 5);
    const row = new Float64Array(3);
    for (let i = 0; i < 5000; i++) {
      row.set([i, i * 2, -i]);
      viaAdd.add(row);
      const slot = viaClaim.claim();
      if (slot >= 0) {
        viaClaim.put(slot, 0, row, 0, 1);
        viaClaim.put(slot, 1, row, 1, 2);
      }
      if (i === 2000) {
        viaAdd.age();
        viaClaim.age();
      }
    }
    expect(viaClaim.offered).toBe(viaAdd.offered);
    expect(Array.from(viaClaim.rows())).toEqual(Array.from(viaAdd.rows()));
    // Some late rows made it in, so slots were claimed past the capacity.
    expect(Math.max(...viaAdd.rows())).toBeGreaterThan(4000);
  });
});
