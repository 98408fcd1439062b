// Issue 13, item 8: a small gzip holding a million pcapng interface
// description blocks made netscore allocate one object per block (10 M took
// 89 s and 2.7 GB, or aborted under a small heap). The section's interface
// table is bounded by --capture.max-interfaces: the file stops at the first
// block too many, in one line, without growing the heap.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from '../cli/spawn.js';
import { epb, idb, SHB } from './hostile-pcapng.js';

const dir = mkdtempSync(path.join(tmpdir(), 'netscore-idb-flood-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Interface description blocks in the flood. */
const FLOOD = 1_000_000;
const IDB = idb();
/** One packet, then a million interfaces: about 20 MB inflated, 60 KB compressed. */
const file = path.join(dir, 'idb-flood.pcapng.gz');
writeFileSync(file, gzipSync(Buffer.concat([SHB, IDB, epb(1_700_000_000_000_000n), Buffer.alloc(IDB.length * FLOOD, IDB)]), { level: 9 }));
/** Byte offset of the n-th interface block of the flood (1-based, counting the first one before the packet). */
const offsetOf = (n: number) => SHB.length + epb(0n).length + IDB.length * (n - 1);

describe('a pcapng section with a million interface blocks', () => {
  it('stops at the block past --capture.max-interfaces (default 1024) in one line, in a 64 MB heap', async () => {
    // Without the bound, a million interface objects do not fit a 64 MB heap: V8 aborts with a native stack trace.
    const { code, stdout, stderr } = await runCli(['replay', '--summary', '--log.level=error', file], { NODE_OPTIONS: '--max-old-space-size=64' });
    // Blocks: SHB, IDB, EPB, then 1023 more IDBs are allowed; the 1025th interface is block 1027.
    expect(stderr).toBe(`netscore: ${file}: record 1027 at byte offset ${offsetOf(1025)}: the section declares more than 1024 interfaces (--capture.max-interfaces)\n`);
    expect(code).toBe(1);
    expect(JSON.parse(stdout)).toMatchObject({ packets: 1 });
  }, 60_000);

  it('takes its bound from --capture.max-interfaces', async () => {
    const { code, stderr } = await runCli(['replay', '--log.level=error', '--capture.max-interfaces=3', file]);
    expect(stderr).toBe(`netscore: ${file}: record 6 at byte offset ${offsetOf(4)}: the section declares more than 3 interfaces (--capture.max-interfaces)\n`);
    expect(code).toBe(1);
  }, 60_000);
});
