import { describe, expect, it } from 'vitest';
import { Beacons } from './beacons.js';

const key = (n: number) => Uint32Array.of(4, n, 0, 0, 0, 99, 0, 0, 0, (6 << 16) | 8080);

/** Deterministic jitter in [-1, 1) (a linear congruential sequence), so the test has fixed draws. */
function jitters(seed: number): () => number {
  let s = seed;
  return () => {
    s = (s * 1103515245 + 12345) % 2147483648;
    return (s / 2147483648) * 2 - 1;
  };
}

/** Alive beacon scores at `now`. */
function alive(b: Beacons, now: number): number[] {
  const out: number[] = [];
  b.forEachRecent(now, (_keys, _at, score, _period, _periodic, isAlive) => {
    if (isAlive) out.push(score);
  });
  return out;
}

/** Whether each alive service at `now` keeps a schedule (its known gaps are regular). */
function periodic(b: Beacons, now: number): boolean[] {
  const out: boolean[] = [];
  b.forEachRecent(now, (_keys, _at, _score, _period, isPeriodic, isAlive) => {
    if (isAlive) out.push(isPeriodic);
  });
  return out;
}

describe('Beacons', () => {
  it('visits recent services that are alive, or novel before their period is known, and says which', () => {
    const b = new Beacons(16, 10);
    // Service 1: two episodes, novel; service 2: two episodes, not novel; service 3: periodic every 60 s, not novel.
    for (const t of [1000, 1100]) {
      b.observe(key(1), t, 0, true);
      b.observe(key(2), t, 0, false);
    }
    for (let t = 1000; t <= 1240; t += 60) b.observe(key(3), t);
    const seen: [number, boolean, boolean][] = [];
    b.forEachRecent(1260, (keys, at, _score, _period, _periodic, isAlive, novel) => {
      seen.push([keys[at + 1], isAlive, novel]);
    });
    expect(seen.sort((x, y) => x[0] - y[0])).toEqual([
      [1, false, true],
      [3, true, false],
    ]);
    // Eighteen minutes (1.5 × the slowest period judged) after its last flow start, the novel service is no longer visited.
    const late: number[] = [];
    b.forEachRecent(1100 + 1081, (keys, at) => {
      late.push(keys[at + 1]);
    });
    expect(late).not.toContain(1);
  });

  it.each([5, 60, 600])('scores a beacon with a %d s period and 20 percent jitter high', (period) => {
    const b = new Beacons(16, 10);
    const jitter = jitters(period);
    let t = 1000;
    for (let i = 0; i < 16; i++) {
      b.observe(key(1), t);
      t += period * (1 + 0.2 * jitter());
    }
    const [score] = alive(b, t - period * 0.5);
    expect(score).toBeGreaterThan(0.6);
  });

  it.each([200, 340, 600])('scores a beacon with a %d s period and 20 percent jitter at least 0.5 from its fifth check-in', (period) => {
    const b = new Beacons(16, 10);
    const jitter = jitters(period);
    let t = 1000;
    for (let i = 0; i < 5; i++) {
      b.observe(key(1), t);
      t += period * (1 + 0.2 * jitter());
    }
    // Five check-ins of a slow beacon take twenty minutes or more: the count factor is full by then.
    const [score] = alive(b, t - period * 0.5);
    expect(score).toBeGreaterThanOrEqual(0.5);
  });

  /** Check-in draws (of 50) whose service scores at least 0.5 right after `checkIns` check-ins every `period` s ± 20 %, sizes varying ± 30 %. */
  function passingDraws(period: number, checkIns: number): number {
    let passed = 0;
    for (let seed = 1; seed <= 50; seed++) {
      const b = new Beacons(16, 10);
      const jitter = jitters(seed * 7919 + period);
      let t = 1000;
      for (let i = 0; i < checkIns; i++) {
        b.observe(key(1), t);
        b.sized(key(1), Math.round(3000 * (1 + 0.3 * jitter())));
        t += period * (1 + 0.2 * jitter());
      }
      if (alive(b, t - period * 0.5)[0] >= 0.5) passed++;
    }
    return passed;
  }

  it.each([5, 60, 200, 340, 600])('scores a beacon with a %d s period, 20 percent jitter and sizes varying 30 percent at least 0.5 at its fifth and sixth check-ins over most draws', (period) => {
    // Over four or five gaps the Bowley skew is mostly sampling noise: it takes at most a quarter of the score
    // (with half, 30-36 of 50 draws passed at the sixth check-in).
    expect(passingDraws(period, 5), '5 check-ins').toBeGreaterThanOrEqual(45);
    expect(passingDraws(period, 6), '6 check-ins').toBeGreaterThanOrEqual(45);
  });

  it.each([60, 200, 340, 600])('scores a beacon with a %d s period, 20 percent jitter and sizes varying 30 percent at least 0.5 at its fourth check-in in most draws', (period) => {
    // With the count factor full at six check-ins 10-18 of 50 draws passed; full at five, 36-42.
    expect(passingDraws(period, 4)).toBeGreaterThanOrEqual(35);
  });

  it('judges no timing over less than fifteen seconds: four logins 3-5 s apart are a burst, the same over a minute a schedule', () => {
    const burst = new Beacons(16, 10);
    for (const t of [0, 4, 8, 12]) burst.observe(key(9), t);
    expect(alive(burst, 13)).toEqual([0]);
    const schedule = new Beacons(16, 10);
    for (const t of [0, 20, 40, 60]) schedule.observe(key(9), t);
    expect(alive(schedule, 61)[0]).toBeCloseTo(4 / 5, 6);
  });

  it('scores bursty browsing-like contact low and merges bursts into one episode', () => {
    const b = new Beacons(16, 10);
    for (const t of [0, 3, 40, 45, 130, 131.5, 200, 203, 260, 400, 410, 700]) b.observe(key(2), t);
    expect(alive(b, 700).every((s) => s < 0.3)).toBe(true);
    // Independent requests: exponential gaps (mean 10 s) never look periodic.
    const poisson = new Beacons(16, 10);
    const draw = jitters(7);
    const seen: number[] = [];
    for (let i = 0, t = 0; i < 300; i++) {
      t += 2 - 10 * Math.log((1 - draw()) / 2);
      poisson.observe(key(5), t);
      seen.push(Math.max(0, ...alive(poisson, t)));
    }
    seen.sort((a, b) => a - b);
    expect(seen[150]).toBeLessThan(0.2);
    expect(seen[299]).toBeLessThan(0.6);
    // Recurring contact with irregular gaps keeps no schedule.
    const irregular = new Beacons(16, 10);
    for (const t of [0, 10, 60]) irregular.observe(key(8), t);
    expect(periodic(irregular, 61)).toEqual([false]);
    const scan = new Beacons(16, 10);
    for (let i = 0; i < 1000; i++) scan.observe(key(3), i / 1000);
    expect(alive(scan, 1)).toEqual([]);
  });

  it('judges nothing before four episodes and stops reporting once the beacon stops', () => {
    const b = new Beacons(16, 10);
    for (let i = 0; i < 2; i++) b.observe(key(4), i * 10);
    expect(alive(b, 15)).toEqual([]);
    // From the third episode its period is known and it keeps a schedule, but it is not judged yet.
    b.observe(key(4), 20);
    expect(alive(b, 25)).toEqual([0]);
    expect(periodic(b, 25)).toEqual([true]);
    b.observe(key(4), 30);
    // Three equal gaps: timing 1 times the count factor 4/5.
    const [score] = alive(b, 35);
    expect(score).toBeCloseTo(4 / 5, 6);
    expect(alive(b, 46)).toEqual([]);
  });

  it('keeps the timing score of a beacon that repeats one exchange and takes up to half of it when session sizes vary', () => {
    const run = (size?: (i: number) => number): number => {
      const b = new Beacons(16, 10);
      for (let i = 0; i < 12; i++) {
        b.observe(key(6), 60 * i);
        if (size !== undefined) b.sized(key(6), size(i));
      }
      return alive(b, 60 * 11 + 30)[0];
    };
    const timingOnly = run();
    const jitter = jitters(11);
    const same = run(() => 1200 + 40 * jitter());
    const varied = run(() => 1200 * 10 ** (2 * jitter()));
    expect(timingOnly).toBeGreaterThan(0.9);
    expect(same).toBeGreaterThan(0.95 * timingOnly);
    expect(varied).toBeLessThan(0.7 * timingOnly);
    expect(varied).toBeGreaterThanOrEqual(0.5 * timingOnly);
    // Sizes of a service the table does not hold are ignored.
    const b = new Beacons(16, 10);
    b.sized(key(7), 100);
    expect(alive(b, 0)).toEqual([]);
  });
});
