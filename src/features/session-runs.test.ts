import { describe, expect, it } from 'vitest';
import { RUNS_DECAY_SECONDS, SessionRuns } from './session-runs.js';

/** Service key of host h to destination d, TCP port p. */
const svc = (h: number, d: number, p: number) => Uint32Array.of(4, h, 0, 0, 0, d, 0, 0, 0, (6 << 16) | p);

/** What forEachActive reports at `now`, by the key's host word. */
function active(runs: SessionRuns, now: number): Map<number, { count: number; period: number; duty: number }> {
  const out = new Map<number, { count: number; period: number; duty: number }>();
  runs.forEachActive(now, (keys, at, count, period, duty) => out.set(keys[at + 1], { count, period, duty }));
  return out;
}

describe('SessionRuns', () => {
  it('counts sessions of one size however far apart, with their period and the share of it they last', () => {
    const runs = new SessionRuns(16, 10);
    // One 5.5 kB login session every 12 s, each held 8.7 s (three failed passwords): no session starts within 3 s of the last end.
    for (let i = 0; i < 10; i++) runs.ended(svc(1, 5, 22), 100 + 12 * i, 108.7 + 12 * i, 5500 + (i % 2) * 60);
    const r = active(runs, 220).get(1)!;
    // Ten sessions, each decayed by its age (time constant 300 s) at the last one's end.
    const expected = Array.from({ length: 10 }, (_, i) => Math.exp(-(12 * (9 - i)) / RUNS_DECAY_SECONDS)).reduce((a, b) => a + b);
    expect(r.count).toBeCloseTo(expected * Math.exp(-(220 - 216.7) / RUNS_DECAY_SECONDS), 6);
    expect(r.period).toBeCloseTo(12, 6);
    expect(r.duty).toBeCloseTo(8.7 / 12, 6);
  });

  it('halves a run at a session of another size: a beacon or browser varies, a login script does not', () => {
    const runs = new SessionRuns(16, 10);
    const sizes = [4000, 9000, 2500, 16000, 4000, 7000, 3000, 12000];
    sizes.forEach((bytes, i) => {
      runs.ended(svc(2, 6, 443), 10 * i, 10 * i + 0.1, bytes);
    });
    expect(active(runs, 75).get(2)?.count ?? 0).toBeLessThan(2);
  });

  it('ends a run two periods and the reporting lag after its latest session', () => {
    const runs = new SessionRuns(16, 10);
    for (let i = 0; i < 20; i++) runs.ended(svc(3, 7, 22), 4 * i, 4 * i + 0.7, 3000);
    const lastEnd = 4 * 19 + 0.7;
    expect(active(runs, lastEnd + 2 * 4 + 10).has(3)).toBe(true);
    expect(active(runs, lastEnd + 2 * 4 + 10.5).has(3)).toBe(false);
  });

  it('is bounded: the least recently used pair goes', () => {
    const runs = new SessionRuns(4, 10);
    for (let h = 1; h <= 6; h++) for (let i = 0; i < 3; i++) runs.ended(svc(h, 9, 22), 10 * i, 10 * i + 1, 3000);
    expect([...active(runs, 21).keys()].sort()).toEqual([3, 4, 5, 6]);
  });
});
