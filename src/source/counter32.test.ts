import { describe, expect, it } from 'vitest';
import { Counter32 } from './counter32.js';

describe('Counter32', () => {
  it('follows a counter that does not wrap', () => {
    const c = new Counter32();
    expect([0, 5, 5, 1000].map((v) => c.read(v))).toEqual([0, 5, 5, 1000]);
  });

  it('keeps counting across 32-bit wraps', () => {
    const c = new Counter32();
    const step = 1_500_000_000;
    let exact = 0;
    for (let i = 0; i < 10; i++) {
      exact += step;
      // What libpcap hands back after `exact` increments: the low 32 bits.
      expect(c.read(exact % 2 ** 32)).toBe(exact);
    }
    expect(exact).toBeGreaterThan(3 * 2 ** 32);
  });
});
