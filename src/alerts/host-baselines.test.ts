import { describe, expect, it } from 'vitest';
import { HostBaselines } from './host-baselines.js';

describe('HostBaselines', () => {
  it('averages each host\'s unflagged windows only', () => {
    const b = new HostBaselines(10, 2);
    b.observe(['A', 'B'], Float64Array.of(2, 10, 100, 100), Float64Array.of(0.1, 0.9), Float64Array.of(0.5, 0.5));
    b.observe(['A', 'B'], Float64Array.of(4, 30, 1, 1), Float64Array.of(0.5, 0.2), Float64Array.of(0.5, 0.5));
    expect([b.mean('A', 0), b.mean('A', 1)]).toEqual([3, 20]);
    // B's first window was flagged, so its baseline is its second window alone.
    expect([b.mean('B', 0), b.mean('B', 1)]).toEqual([1, 1]);
    expect(b.mean('C', 0)).toBeUndefined();
  });

  it('becomes an exponential average with 32 windows of memory after 32 windows', () => {
    const b = new HostBaselines(1, 1);
    for (let i = 0; i < 32; i++) b.observe(['A'], Float64Array.of(0), Float64Array.of(0), Float64Array.of(1));
    b.observe(['A'], Float64Array.of(32), Float64Array.of(0), Float64Array.of(1));
    expect(b.mean('A', 0)).toBe(1);
  });

  it('evicts the least recently updated host when full, and counts it', () => {
    const b = new HostBaselines(2, 1);
    const one = Float64Array.of(1);
    const low = Float64Array.of(0);
    b.observe(['A'], one, low, Float64Array.of(1));
    b.observe(['B'], one, low, Float64Array.of(1));
    b.observe(['A'], one, low, Float64Array.of(1));
    b.observe(['C'], one, low, Float64Array.of(1));
    expect([b.mean('A', 0), b.mean('B', 0), b.mean('C', 0), b.size, b.evicted]).toEqual([1, undefined, 1, 2, 1]);
  });
});
