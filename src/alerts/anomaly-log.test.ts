import { existsSync, mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync, statSync, symlinkSync, unlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { Anomaly } from '../model/anomaly.js';
import { AnomalyLog, type IncidentLine } from './anomaly-log.js';
import { Incidents } from './incidents.js';

/** Anomalies with n < 100 serialise to lines of equal length, which the rotation tests rely on. */
function anomaly(n: number): Anomaly {
  return {
    window_start: 1_700_000_000 + 10 * n,
    window_end: 1_700_000_010 + 10 * n,
    host: `10.0.0.${10 + n}`,
    score: 0.75,
    threshold: 0.6,
    category: 'scan',
    severity: 'critical',
    top_features: [{ feature: 'distinct_dst_ports', value: 900, median: 3 }],
    peers: [],
    model_generation: 2,
  };
}

const LINE_BYTES = Buffer.byteLength(`${JSON.stringify(anomaly(1))}\n`);

/** Window starts of the anomalies in a log file, in file order; [] when it does not exist. */
function starts(file: string): number[] {
  if (!existsSync(file)) return [];
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter((l) => l !== '')
    .map((l) => (JSON.parse(l) as Anomaly).window_start);
}

const ws = (...ns: number[]): number[] => ns.map((n) => anomaly(n).window_start);

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'netscore-anomaly-log-'));
});
afterEach(() => {
  vi.useRealTimers();
  rmSync(dir, { recursive: true, force: true });
});

describe('AnomalyLog writing', () => {
  it('appends one JSON line per anomaly that parses back to the anomaly', async () => {
    const path = join(dir, 'a.jsonl');
    const log = AnomalyLog.open(path);
    log.append(anomaly(1));
    log.append(anomaly(2));
    await log.flush();
    const lines = readFileSync(path, 'utf8').split('\n');
    expect(lines).toHaveLength(3);
    expect(lines[2]).toBe('');
    expect(JSON.parse(lines[0])).toEqual(anomaly(1));
    expect(JSON.parse(lines[1])).toEqual(anomaly(2));
    expect(log.linesWritten).toBe(2);
    await log.close();
  });

  it('writes incident lines from an incident tracker, in event order, between the anomaly lines that cause them', async () => {
    const path = join(dir, 'a.jsonl');
    const log = AnomalyLog.open(path);
    const incidents = new Incidents({ windowSeconds: 10, gapWindows: 0, maxOpen: 10, maxClosed: 10, hostBaseline: () => 2 });
    incidents.onEvent((event, i) => log.append({ event: `incident_${event}`, ...i }));
    // Two consecutive windows of one host, then nothing: one incident, opened, then closed.
    for (const a of [anomaly(1), { ...anomaly(2), host: anomaly(1).host, window_start: anomaly(1).window_end, window_end: anomaly(1).window_end + 10 }]) {
      log.append(a);
      incidents.observe(a);
    }
    incidents.windowClosed(anomaly(1).window_end + 10);
    await log.close();
    const lines = readFileSync(path, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as Anomaly | IncidentLine);
    expect(lines.map((l) => ('event' in l ? l.event : 'anomaly'))).toEqual(['anomaly', 'incident_open', 'anomaly', 'incident_close']);
    expect(lines[3]).toMatchObject({ id: 1, state: 'closed', start: anomaly(1).window_start, end: anomaly(1).window_end + 10, windows: 2, hosts: [anomaly(1).host], category: 'scan', severity: 'critical' });
    expect((lines[3] as IncidentLine).top_features).toEqual([{ feature: 'distinct_dst_ports', value: 900, median: 3, host_baseline: 2 }]);
  });

  it('appends to an existing file instead of truncating it', async () => {
    const path = join(dir, 'a.jsonl');
    const first = AnomalyLog.open(path);
    first.append(anomaly(1));
    await first.close();
    const second = AnomalyLog.open(path);
    second.append(anomaly(2));
    await second.close();
    expect(starts(path)).toEqual(ws(1, 2));
  });

  it('buffers lines and writes them within a second', () => {
    vi.useFakeTimers();
    const path = join(dir, 'a.jsonl');
    const log = AnomalyLog.open(path);
    log.append(anomaly(1));
    vi.advanceTimersByTime(999);
    expect(statSync(path).size).toBe(0);
    vi.advanceTimersByTime(1);
    expect(starts(path)).toEqual(ws(1));
    expect(log.linesWritten).toBe(1);
    void log.close();
  });

  it('writes without waiting once 64 KiB are buffered', () => {
    const path = join(dir, 'a.jsonl');
    const log = AnomalyLog.open(path);
    const n = Math.ceil((64 * 1024) / LINE_BYTES);
    for (let i = 0; i < n; i++) log.append(anomaly(i % 90));
    expect(log.linesWritten).toBe(n);
    expect(statSync(path).size).toBe(n * LINE_BYTES);
    void log.close();
  });

  it('has written everything when close() returns, before its promise is awaited', () => {
    const path = join(dir, 'a.jsonl');
    const log = AnomalyLog.open(path);
    log.append(anomaly(1));
    log.append(anomaly(2));
    const closing = log.close();
    expect(starts(path)).toEqual(ws(1, 2));
    expect(() => log.append(anomaly(3))).toThrow(/append after close/);
    return closing;
  });

  it('follows the path when the file is moved away, as an external logrotate does', async () => {
    const path = join(dir, 'a.jsonl');
    const log = AnomalyLog.open(path);
    log.append(anomaly(1));
    await log.flush();
    renameSync(path, `${path}.old`);
    log.append(anomaly(2));
    await log.close();
    expect(starts(`${path}.old`)).toEqual(ws(1));
    expect(starts(path)).toEqual(ws(2));
  });
});

describe('AnomalyLog rotation', () => {
  const twoLines = 2 * LINE_BYTES + 1;

  it('rotates path → path.1 → … → path.keep, dropping the oldest, within one batch', async () => {
    const path = join(dir, 'a.jsonl');
    const log = AnomalyLog.open(path, { maxBytes: twoLines, keep: 2 });
    for (let n = 1; n <= 7; n++) log.append(anomaly(n));
    await log.close();
    expect(starts(`${path}.2`)).toEqual(ws(3, 4));
    expect(starts(`${path}.1`)).toEqual(ws(5, 6));
    expect(starts(path)).toEqual(ws(7));
    expect(existsSync(`${path}.3`)).toBe(false);
    expect(log.linesWritten).toBe(7);
    expect(log.linesLost).toBe(0);
  });

  it('rotates the same way across batches and never lets a file exceed maxBytes', async () => {
    const path = join(dir, 'a.jsonl');
    const log = AnomalyLog.open(path, { maxBytes: twoLines, keep: 3 });
    for (let n = 1; n <= 7; n++) {
      log.append(anomaly(n));
      await log.flush();
      for (const f of [path, `${path}.1`, `${path}.2`, `${path}.3`]) {
        if (existsSync(f)) expect(statSync(f).size).toBeLessThanOrEqual(twoLines);
      }
    }
    await log.close();
    expect([`${path}.3`, `${path}.2`, `${path}.1`, path].map(starts)).toEqual([ws(1, 2), ws(3, 4), ws(5, 6), ws(7)]);
  });

  it('counts a file that was already there towards maxBytes', async () => {
    const path = join(dir, 'a.jsonl');
    const first = AnomalyLog.open(path, { maxBytes: twoLines });
    first.append(anomaly(1));
    await first.close();
    const second = AnomalyLog.open(path, { maxBytes: twoLines });
    second.append(anomaly(2));
    second.append(anomaly(3));
    await second.close();
    expect(starts(`${path}.1`)).toEqual(ws(1, 2));
    expect(starts(path)).toEqual(ws(3));
  });

  it('keeps no old file with keep = 0', async () => {
    const path = join(dir, 'a.jsonl');
    const log = AnomalyLog.open(path, { maxBytes: twoLines, keep: 0 });
    for (let n = 1; n <= 5; n++) log.append(anomaly(n));
    await log.close();
    expect(starts(path)).toEqual(ws(5));
    expect(existsSync(`${path}.1`)).toBe(false);
  });

  it('rejects options that make no sense', () => {
    const path = join(dir, 'a.jsonl');
    expect(() => AnomalyLog.open(path, { maxBytes: 0 })).toThrow(RangeError);
    expect(() => AnomalyLog.open(path, { keep: -1 })).toThrow(RangeError);
  });
});

describe('AnomalyLog failures', () => {
  it('fails to open in a missing directory with one line naming the file and errno', () => {
    const path = join(dir, 'missing', 'a.jsonl');
    expect(() => AnomalyLog.open(path)).toThrow(`anomaly log ${path}: ENOENT`);
  });

  // sysfs refuses to create files even for root, so this is a real unwritable directory.
  it.skipIf(!existsSync('/sys/kernel'))('fails to open in a directory it may not write to', () => {
    let err: unknown;
    try {
      AnomalyLog.open('/sys/kernel/netscore-anomalies.jsonl');
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(Error);
    const msg = (err as Error).message;
    expect(msg).toMatch(/^anomaly log \/sys\/kernel\/netscore-anomalies\.jsonl: EACCES: /);
    expect(msg).not.toContain('\n');
    expect((err as Error).cause).toMatchObject({ code: 'EACCES' });
  });

  it.skipIf(!existsSync('/dev/full'))('reports a full disk once and counts every lost line', async () => {
    const errors: string[] = [];
    const log = AnomalyLog.open('/dev/full', { onError: (msg) => errors.push(msg) });
    for (let n = 1; n <= 3; n++) log.append(anomaly(n));
    await log.flush();
    log.append(anomaly(4));
    log.append(anomaly(5));
    await log.close();
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatch(/^anomaly log \/dev\/full: ENOSPC: .*; dropping lines until it can write again$/);
    expect(log.linesLost).toBe(5);
    expect(log.linesWritten).toBe(0);
  });

  it.skipIf(!existsSync('/dev/full'))('recovers once space is available and reports a new failure again', async () => {
    const errors: string[] = [];
    const path = join(dir, 'a.jsonl');
    symlinkSync('/dev/full', path);
    const log = AnomalyLog.open(path, { onError: (msg) => errors.push(msg) });
    log.append(anomaly(1));
    await log.flush();
    expect(errors).toHaveLength(1);
    expect(errors[0]).toContain(`anomaly log ${path}: ENOSPC`);

    unlinkSync(path); // the path is now writable: a regular file gets created
    log.append(anomaly(2));
    await log.flush();
    expect(starts(path)).toEqual(ws(2));
    expect(log.linesWritten).toBe(1);
    expect(log.linesLost).toBe(1);

    renameSync(path, `${path}.ok`);
    symlinkSync('/dev/full', path);
    log.append(anomaly(3));
    await log.close();
    expect(errors).toHaveLength(2);
    expect(log.linesLost).toBe(2);
    expect(starts(`${path}.ok`)).toEqual(ws(2));
  });

  it('reports a vanished directory once, counts the lost lines and resumes when it is back', async () => {
    const errors: string[] = [];
    const sub = join(dir, 'sub');
    mkdirSync(sub);
    const path = join(sub, 'a.jsonl');
    const log = AnomalyLog.open(path, { onError: (msg) => errors.push(msg) });
    log.append(anomaly(1));
    await log.flush();

    rmSync(sub, { recursive: true });
    log.append(anomaly(2));
    await log.flush();
    log.append(anomaly(3));
    await log.flush();
    expect(errors).toEqual([expect.stringMatching(new RegExp(`^anomaly log ${path}: ENOENT: `))]);
    expect(log.linesLost).toBe(2);

    mkdirSync(sub);
    log.append(anomaly(4));
    await log.close();
    expect(starts(path)).toEqual(ws(4));
    expect(log.linesWritten).toBe(2);
    expect(log.linesLost).toBe(2);
    expect(errors).toHaveLength(1);
  });
});
