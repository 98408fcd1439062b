// Extreme pcapng timestamps, resolutions and offsets (issue 13, item 3): every
// if_tsresol byte, if_tsoffset from -2^63 to 2^63-1 and 64-bit unit counts.
// Each file either yields packets whose times are in range and well formed, or
// stops at a record with the reader's timestamp error; the whole pipeline
// behind the reader never hangs (vitest's timeout is the oracle for that).
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { openCaptureFile } from '../../src/source/capture-file.js';
import { MAX_TS_SEC } from '../../src/source/pcapng-format.js';
import { CaptureFileError } from '../../src/source/source.js';
import { Prng } from '../../src/util/prng.js';
import { epb, idb, SHB } from '../source/hostile-pcapng.js';
import { service } from './harness.js';

/** Files per run: CI runs the default, `npm run fuzz` scales it with its mutation count. */
const FILES = Math.max(200, Math.floor(Number(process.env.NETSCORE_FUZZ_MUTATIONS ?? 300_000) / 1000));
const SEED = Number(process.env.NETSCORE_FUZZ_SEED ?? 1);
const PACKETS_PER_FILE = 4;

/** A random 64-bit value, often one of the edges. */
function u64(rng: Prng): bigint {
  const edges = [0n, 1n, 2n ** 32n - 1n, 2n ** 32n, 2n ** 53n, 2n ** 57n, 2n ** 63n - 1n, 2n ** 63n, 2n ** 64n - 1n];
  if (rng.nextInt(3) === 0) return edges[rng.nextInt(edges.length)];
  return (BigInt(rng.nextInt(2 ** 32)) << 32n) | BigInt(rng.nextInt(2 ** 32));
}

/** A random signed 64-bit offset in seconds, often an edge or 0. */
function offset(rng: Prng): bigint | undefined {
  switch (rng.nextInt(4)) {
    case 0:
      return undefined;
    case 1:
      return [0n, 1n, -1n, 2n ** 63n - 1n, -(2n ** 63n), 2n ** 31n, -(2n ** 31n)][rng.nextInt(7)];
    default:
      return BigInt.asIntN(64, u64(rng));
  }
}

/** A realistic unit count for `tsresol` (now, give or take), so that many files also carry good packets. */
function realistic(tsresol: number, rng: Prng): bigint {
  const n = tsresol & 0x7f;
  const perSec = (tsresol & 0x80) !== 0 ? 2n ** BigInt(n) : 10n ** BigInt(n);
  return BigInt.asUintN(64, BigInt(1_700_000_000 + rng.nextInt(1_000_000)) * perSec);
}

describe('pcapng files with extreme timestamps, resolutions and offsets', () => {
  it(`${FILES} files (seed ${SEED}): in-range times or the reader's error at the record, never a hang`, async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'netscore-ts-fuzz-'));
    const rng = new Prng(SEED);
    const svc = await service({ 'model.warmup': '30s' });
    let good = 0;
    let refused = 0;
    try {
      for (let f = 0; f < FILES; f++) {
        const tsresol = rng.nextInt(3) === 0 ? rng.nextInt(256) : [0, 3, 6, 9, 12, 19, 0x80, 0x8a, 0x9e, 0xbf, 0xff][rng.nextInt(11)];
        const tsoffset = offset(rng);
        const units = Array.from({ length: PACKETS_PER_FILE }, () => (rng.nextInt(2) === 0 ? realistic(tsresol, rng) : u64(rng)));
        const file = path.join(dir, `f${f}.pcapng`);
        writeFileSync(file, Buffer.concat([SHB, idb({ tsresol, tsoffset }), ...units.map((u) => epb(u))]));
        const what = `file ${f}: tsresol 0x${tsresol.toString(16)}, tsoffset ${tsoffset}, units ${units.join(' ')}`;
        try {
          await openCaptureFile(file).run((v) => {
            expect(v.tsSec >= 0 && v.tsSec < MAX_TS_SEC && Number.isInteger(v.tsSec), what).toBe(true);
            expect(v.tsNsec >= 0 && v.tsNsec < 1e9 && Number.isInteger(v.tsNsec), what).toBe(true);
            good++;
            svc.pipeline.sink(v);
          });
        } catch (err) {
          expect(err, what).toBeInstanceOf(CaptureFileError);
          expect((err as CaptureFileError).reason, what).toMatch(/^timestamp \S+ s is outside 1970-01-01 to 3000-01-01 \(interface 0: /);
          refused++;
        }
      }
      svc.pipeline.finish();
    } finally {
      await svc.close();
      rmSync(dir, { recursive: true, force: true });
    }
    // Both outcomes occur, so neither check above is vacuous.
    expect(good).toBeGreaterThan(FILES / 4);
    expect(refused).toBeGreaterThan(FILES / 10);
  }, 120_000);
});
