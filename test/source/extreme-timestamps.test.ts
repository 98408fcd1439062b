// Issue 13, item 3: pcapng timestamps far outside any real time (if_tsresol=0
// with 2^57 s, 2^64-1 units, if_tsoffset of ±2^63) hung replay and train for
// ever. The reader refuses them at the record, in one line, and the run ends.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../cli/spawn.js';
import { EXTREME_TIMESTAMPS } from './hostile-pcapng.js';

const DIR = path.resolve(import.meta.dirname, '..', 'fixtures', 'source', 'hostile');
/** `NETSCORE_WRITE_FIXTURES=1` rewrites the committed files from their builders. */
if (process.env.NETSCORE_WRITE_FIXTURES === '1') for (const f of EXTREME_TIMESTAMPS) writeFileSync(path.join(DIR, f.name), f.bytes);

describe('pcapng files with extreme timestamps', () => {
  it.each(EXTREME_TIMESTAMPS.map((f) => [f.name, f] as const))('%s: the committed fixture is what its builder makes', (_, f) => {
    expect(existsSync(path.join(DIR, f.name))).toBe(true);
    expect(readFileSync(path.join(DIR, f.name)).equals(f.bytes)).toBe(true);
  });

  it.each(EXTREME_TIMESTAMPS.map((f) => [f.name, f] as const))('%s: replay stops at the record in one line, exit 1, good packets counted', async (_, f) => {
    const file = path.join(DIR, f.name);
    const { code, stdout, stderr } = await runCli(['replay', '--summary', '--log.level=error', file]);
    expect(stderr).toBe(`netscore: ${file}: record ${f.record} at byte offset ${f.offset}: ${f.reason}\n`);
    expect(code).toBe(1);
    expect(JSON.parse(stdout)).toMatchObject({ packets: f.record - 3 });
  }, 30_000);

  it.each(EXTREME_TIMESTAMPS.map((f) => [f.name, f] as const))('%s: train ends too, naming the record', async (_, f) => {
    const file = path.join(DIR, f.name);
    const { code, stderr } = await runCli(['train', '--log.level=error', `--model.out=${path.join(tmpdir(), `netscore-never-written-${process.pid}.json`)}`, file]);
    expect(stderr).toContain(`${file}: record ${f.record} at byte offset ${f.offset}: ${f.reason}`);
    expect(code).not.toBe(0);
  }, 30_000);
});
