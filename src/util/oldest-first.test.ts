import { describe, expect, it } from 'vitest';
import { OldestFirst } from './oldest-first.js';
import { Prng } from './prng.js';

describe('OldestFirst', () => {
  it('takes the oldest entry, in insertion order and in recency order, as a walk from the Map start would', () => {
    const rng = new Prng(7);
    const map = new Map<number, number>();
    const oldest = new OldestFirst(map);
    for (let step = 0; step < 20_000; step++) {
      const key = rng.nextInt(300);
      const op = rng.nextInt(4);
      if (op === 0 && map.size > 0) {
        // The oracle: the first key of the Map's own order.
        const first = map.keys().next().value as number;
        const value = map.get(first);
        expect(oldest.take()).toBe(value);
        expect(map.has(first)).toBe(false);
      } else if (op === 1 && map.has(key)) {
        // An update in recency order: deleted and set again at the end.
        const v = map.get(key) as number;
        map.delete(key);
        map.set(key, v);
      } else if (op === 2) map.delete(key);
      else if (!map.has(key)) map.set(key, step);
    }
  });
});
