import { describe, expect, it } from 'vitest';
import type { Anomaly } from '../model/anomaly.js';
import { AnomalyRing } from './anomaly-ring.js';

function anomaly(n: number): Anomaly {
  return {
    window_start: 1_700_000_000 + 10 * n,
    window_end: 1_700_000_010 + 10 * n,
    host: `10.0.0.${n}`,
    score: 0.7,
    threshold: 0.6,
    category: 'scan',
    severity: 'warning',
    top_features: [],
    peers: [],
    model_generation: 1,
  };
}

const hosts = (as: Anomaly[]): string[] => as.map((a) => a.host);

describe('AnomalyRing', () => {
  it('returns the newest first while filling', () => {
    const ring = new AnomalyRing(5);
    for (let n = 1; n <= 3; n++) ring.push(anomaly(n));
    expect(hosts(ring.recent(10))).toEqual(['10.0.0.3', '10.0.0.2', '10.0.0.1']);
    expect(hosts(ring.recent(2))).toEqual(['10.0.0.3', '10.0.0.2']);
    expect(ring.size).toBe(3);
    expect(ring.total).toBe(3);
  });

  it('overwrites the oldest once full and keeps counting pushes', () => {
    const ring = new AnomalyRing(3);
    for (let n = 1; n <= 7; n++) ring.push(anomaly(n));
    expect(hosts(ring.recent(100))).toEqual(['10.0.0.7', '10.0.0.6', '10.0.0.5']);
    expect(ring.size).toBe(3);
    expect(ring.total).toBe(7);
  });

  it('gives nothing for a limit that is zero, negative or NaN, and floors fractions', () => {
    const ring = new AnomalyRing(3);
    ring.push(anomaly(1));
    ring.push(anomaly(2));
    expect(ring.recent(0)).toEqual([]);
    expect(ring.recent(-1)).toEqual([]);
    expect(ring.recent(Number.NaN)).toEqual([]);
    expect(hosts(ring.recent(1.9))).toEqual(['10.0.0.2']);
    expect(new AnomalyRing().recent(5)).toEqual([]);
  });

  it('defaults to 1000 slots and rejects a capacity that is not a positive integer', () => {
    const ring = new AnomalyRing();
    for (let n = 0; n < 1001; n++) ring.push(anomaly(n));
    expect(ring.size).toBe(1000);
    expect(ring.recent(1000).at(-1)?.host).toBe('10.0.0.1');
    expect(() => new AnomalyRing(0)).toThrow(RangeError);
    expect(() => new AnomalyRing(2.5)).toThrow(RangeError);
  });
});
