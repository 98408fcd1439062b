import { describe, expect, it } from 'vitest';
import { Regularity } from './regularity.js';

const key = (n: number) => Uint32Array.of(4, n, 0, 0, 0, 99, 0, 0, 0);

describe('Regularity', () => {
  it('rates a jittered 30 s beacon near 1 once enough episodes are seen', () => {
    const r = new Regularity(16, 9);
    const values: number[] = [];
    let t = 1000;
    for (let i = 0; i < 8; i++) {
      values.push(r.observe(key(1), t));
      t += 30 + (i % 2 === 0 ? 1.2 : -1.2);
    }
    expect(values.slice(0, 3)).toEqual([0, 0, 0]);
    expect(values[7]).toBeGreaterThan(0.9);
  });

  it('rates irregular gaps low and merges bursts into one episode', () => {
    const r = new Regularity(16, 9);
    let last = 0;
    for (const t of [0, 3, 40, 45, 130, 131.5, 200, 203]) last = r.observe(key(2), t);
    expect(last).toBeLessThan(0.5);
    // A scan-like burst: 1000 flows 1 ms apart are a single episode, never periodic.
    const s = new Regularity(16, 9);
    let burst = 0;
    for (let i = 0; i < 1000; i++) burst = Math.max(burst, s.observe(key(3), i / 1000));
    expect(burst).toBe(0);
  });

  it('evicts the least recently used pair when full', () => {
    const r = new Regularity(2, 9, 8, 2, 1);
    r.observe(key(1), 0);
    r.observe(key(2), 0);
    r.observe(key(1), 10); // key 1 now has 2 episodes and is most recent
    r.observe(key(3), 10); // evicts key 2
    expect(r.observe(key(1), 20)).toBeGreaterThan(0.99);
    expect(r.observe(key(2), 20)).toBe(0); // forgotten: first episode again
  });
});
