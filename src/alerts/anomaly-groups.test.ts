import { describe, expect, it } from 'vitest';
import type { Anomaly } from '../model/anomaly.js';
import { groupAnomalies } from './anomaly-groups.js';

const a = (start: number, host: string, score: number, peers: Anomaly['peers'] = []): Anomaly => ({
  window_start: start,
  window_end: start + 10,
  host,
  score,
  threshold: 0.5,
  category: score > 0.9 ? 'flood' : 'scan',
  severity: 'warning',
  top_features: [],
  peers,
  model_generation: 1,
});

describe('groupAnomalies', () => {
  it('joins consecutive windows of one host, splits at a gap, and keeps hosts apart; newest group first', () => {
    const groups = groupAnomalies([
      a(20, '10.0.0.1', 0.95, [{ address: '192.0.2.9', port: 443, packets: 500 }]),
      a(0, '10.0.0.1', 0.7, [{ address: '192.0.2.9', port: 443, packets: 100 }, { address: '192.0.2.8', packets: 300 }]),
      a(10, '10.0.0.1', 0.8),
      a(10, '10.0.0.2', 0.6),
      a(50, '10.0.0.1', 0.6),
    ]);
    expect(groups.map((g) => [g.host, g.first, g.last, g.windows, g.peak.score])).toEqual([
      ['10.0.0.1', 50, 50, 1, 0.6],
      ['10.0.0.1', 0, 20, 3, 0.95],
      ['10.0.0.2', 10, 10, 1, 0.6],
    ]);
    expect(groups[1].peak.category).toBe('flood');
    expect(groups[1].peers).toEqual([
      { address: '192.0.2.9', port: 443, packets: 600 },
      { address: '192.0.2.8', packets: 300 },
    ]);
  });
});
