import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SCORES_CSV_HEADER, ScoresCsv } from './scores-csv.js';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'netscore-scores-csv-'));
});
afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

describe('ScoresCsv', () => {
  it('writes the header and one formatted row per call', async () => {
    const path = join(dir, 'scores.csv');
    const csv = await ScoresCsv.open(path);
    csv.append(1_700_000_000, '10.0.0.1', 0.5, false);
    csv.append(1_700_000_010.5, 'fe80::1', 0.123456789, true);
    csv.append(1_700_000_020, '192.168.1.20', 1, true);
    await csv.close();
    expect(readFileSync(path, 'utf8')).toBe(
      [
        'window_start,host,score,flagged',
        '1700000000,10.0.0.1,0.500000,0',
        '1700000010.5,fe80::1,0.123457,1',
        '1700000020,192.168.1.20,1.000000,1',
        '',
      ].join('\n'),
    );
    expect(SCORES_CSV_HEADER).toBe('window_start,host,score,flagged');
  });

  it('writes only the header when no row was appended, replacing an older file', async () => {
    const path = join(dir, 'scores.csv');
    writeFileSync(path, 'stale content that is longer than the header\n');
    await (await ScoresCsv.open(path)).close();
    expect(readFileSync(path, 'utf8')).toBe('window_start,host,score,flagged\n');
  });

  it('keeps every row of a run long enough to fill many buffers, in order', async () => {
    const path = join(dir, 'scores.csv');
    const csv = await ScoresCsv.open(path);
    const n = 20_000;
    for (let i = 0; i < n; i++) csv.append(1_700_000_000 + 10 * i, `10.0.${i >> 8}.${i & 255}`, i / n, i % 7 === 0);
    await csv.close();
    const lines = readFileSync(path, 'utf8').split('\n');
    expect(lines).toHaveLength(n + 2);
    expect(lines[1]).toBe('1700000000,10.0.0.0,0.000000,1');
    expect(lines[n]).toBe('1700199990,10.0.78.31,0.999950,1'); // 19999 = 7 × 2857
    expect(lines[n + 1]).toBe('');
    // Every row in order: the window start encodes the row number.
    expect(lines.slice(1, -1).every((l, i) => l.startsWith(`${1_700_000_000 + 10 * i},`))).toBe(true);
  });

  it('quotes a host that would break the row', async () => {
    const path = join(dir, 'scores.csv');
    const csv = await ScoresCsv.open(path);
    csv.append(10, 'a,"b"', 0.25, false);
    await csv.close();
    expect(readFileSync(path, 'utf8').split('\n')[1]).toBe('10,"a,""b""",0.250000,0');
  });

  it('rejects opening in a missing directory with one line naming the file', async () => {
    const path = join(dir, 'missing', 'scores.csv');
    const err: unknown = await ScoresCsv.open(path).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(Error);
    expect((err as Error).message).toMatch(new RegExp(`^scores output ${path}: ENOENT: [^\\n]*$`));
    expect((err as Error).cause).toMatchObject({ code: 'ENOENT' });
    expect(existsSync(path)).toBe(false);
  });

  it.skipIf(!existsSync('/dev/full'))('rejects close() on a full disk, and append() after the failure', async () => {
    const csv = await ScoresCsv.open('/dev/full');
    csv.append(10, '10.0.0.1', 0.5, true);
    const err: unknown = await csv.close().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(Error);
    expect((err as Error).message).toMatch(/^scores output \/dev\/full: ENOSPC: [^\n]*$/);
    expect(() => csv.append(20, '10.0.0.1', 0.5, true)).toThrow(err as Error);
    await expect(csv.close()).rejects.toBe(err);
  });

  it('refuses rows after close()', async () => {
    const csv = await ScoresCsv.open(join(dir, 'scores.csv'));
    await csv.close();
    expect(() => csv.append(10, '10.0.0.1', 0.5, true)).toThrow(/append after close/);
  });
});
