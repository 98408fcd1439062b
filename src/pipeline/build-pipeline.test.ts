import { describe, expect, it } from 'vitest';
import { defaultOptions } from '../cli/options.js';
import { WALL_LAG_SECONDS } from './ticks.js';
import { buildPipeline, scoringOf } from './build-pipeline.js';

describe('buildPipeline', () => {
  it('builds every stage from the options', () => {
    const p = buildPipeline({ ...defaultOptions(), 'flow.max': 1234, 'anomaly.ring-size': 7, 'anomaly.top-k': 3, 'anomaly.hold': 42 });
    expect(p.flows.flowMax).toBe(1234);
    expect(p.scoring).toBeDefined();
    expect(scoringOf(p).ring.capacity).toBe(7);
    expect(scoringOf(p).top.holdSeconds).toBe(42);
    expect(scoringOf(p).detector.state).toBe('warming');
  });

  it('leaves scoring out with --no-scoring, but a training pipeline always scores', () => {
    expect(buildPipeline({ ...defaultOptions(), scoring: false }).scoring).toBeUndefined();
    expect(buildPipeline({ ...defaultOptions(), scoring: false }, { training: true }).scoring).toBeDefined();
  });

  it('closes incidents from the housekeeping tick when windows pass without traffic (live silence)', () => {
    const p = buildPipeline({ ...defaultOptions(), window: 10, 'incident.gap': 1 });
    const incidents = scoringOf(p).incidents;
    incidents.observe({ window_start: 1000, window_end: 1010, host: '10.0.0.1', score: 0.9, threshold: 0.5, category: 'scan', severity: 'critical', top_features: [], peers: [], model_generation: 1 });
    // A window may still join until the window [1020, 1030) has been scored: at 1030 by packet time, WALL_LAG_SECONDS later by the wall clock.
    p.idleTick(1029 + WALL_LAG_SECONDS);
    expect(incidents.list().map((i) => i.state)).toEqual(['open']);
    p.idleTick(1030 + WALL_LAG_SECONDS);
    expect(incidents.list().map((i) => i.state)).toEqual(['closed']);
  });

  it('hands flow ends to the feature windows', () => {
    const p = buildPipeline({ ...defaultOptions(), 'flow.max': 16 });
    const ended: unknown[] = [];
    const windows = scoringOf(p).windows;
    const original = windows.flowEnded.bind(windows);
    windows.flowEnded = (slot, f) => {
      ended.push(slot);
      original(slot, f);
    };
    const frame = udpFrame();
    p.sink({ data: frame, offset: 0, caplen: frame.length, wirelen: frame.length, linktype: 1, tsSec: 1000, tsNsec: 0, iface: 't' } as never);
    p.finish();
    expect(ended).toHaveLength(1);
  });
});

/** One Ethernet/IPv4/UDP frame from 10.0.0.1:1000 to 10.0.0.2:53. */
function udpFrame(): Uint8Array {
  const f = new Uint8Array(14 + 20 + 8);
  f.set([0, 1, 2, 3, 4, 5, 0, 1, 2, 3, 4, 6, 0x08, 0x00]);
  f.set([0x45, 0, 0, 28, 0, 0, 0, 0, 64, 17, 0, 0, 10, 0, 0, 1, 10, 0, 0, 2], 14);
  f.set([0x03, 0xe8, 0, 53, 0, 8, 0, 0], 34);
  return f;
}
