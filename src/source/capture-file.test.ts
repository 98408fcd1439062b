import { execFileSync } from 'node:child_process';
import { appendFileSync, mkdtempSync, readFileSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { openCaptureFile, type CaptureFileOptions } from './capture-file.js';
import { CaptureError, CaptureFileError } from './source.js';
import { pcapFileHeader } from '../synth/pcap-writer.js';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const corpus = path.resolve(repoRoot, '..', 'shared', 'pcaps');
const fixtures = path.join(repoRoot, 'test', 'fixtures', 'source');
const tmp = mkdtempSync(path.join(os.tmpdir(), 'netscore-capture-file-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

/** Every packet of a file as one comparable line each. */
async function records(file: string, opts?: CaptureFileOptions): Promise<string[]> {
  const out: string[] = [];
  await openCaptureFile(file, opts).run((v) => {
    const data = Buffer.from(v.data.subarray(v.offset, v.offset + v.caplen)).toString('hex');
    out.push(`${v.tsSec}.${v.tsNsec} ${v.caplen}/${v.wirelen} ${v.linktype} ${v.iface} ${data}`);
  });
  return out;
}

/** A little-endian microsecond pcap (linktype 1) with one 4-byte packet per timestamp in seconds. */
function pcapAt(times: number[]): Buffer {
  const head = Buffer.from(pcapFileHeader());
  const recs = times.map((t) => {
    const r = Buffer.alloc(20);
    r.writeUInt32LE(Math.floor(t), 0);
    r.writeUInt32LE(Math.round((t % 1) * 1e6), 4);
    r.writeUInt32LE(4, 8);
    r.writeUInt32LE(4, 12);
    return r;
  });
  return Buffer.concat([head, ...recs]);
}

describe('openCaptureFile', () => {
  it('gives the event loop a turn within a chunk once a slice of packet work has taken its time', async () => {
    // 20,000 packets in one default-sized chunk, each taking at least 5 µs: over 100 ms of work.
    const file = path.join(tmp, 'slices.pcap');
    writeFileSync(file, pcapAt(Array.from({ length: 20_000 }, (_, i) => 1_700_000_000 + i * 1e-3)));
    const turns: number[] = [];
    let delivered = 0;
    const timer = setInterval(() => turns.push(delivered), 1);
    try {
      await openCaptureFile(file).run(() => {
        const until = performance.now() + 0.005;
        while (performance.now() < until);
        delivered++;
      });
    } finally {
      clearInterval(timer);
    }
    expect(delivered).toBe(20_000);
    // The old reader delivered the whole chunk before any timer ran.
    expect(turns.filter((n) => n > 0 && n < 20_000).length).toBeGreaterThanOrEqual(5);
  });

  it('yields identical records for chunk sizes 1, 7, 64 and the default', async () => {
    for (const name of ['decode/pcapng-multi-section-mixed-endian.pcapng', 'malformed/fuzzed-wireshark-bigendian.pcap']) {
      const file = path.join(corpus, name);
      const whole = await records(file);
      expect(whole.length).toBeGreaterThan(5);
      const sizes = name.endsWith('.pcapng') ? [1, 7, 64] : [7, 64, 4096];
      for (const chunkSize of sizes) {
        expect(await records(file, { chunkSize })).toEqual(whole);
      }
    }
  });

  it('reads on while the file grows, and ends at its new size when it shrinks, naming the record cut short', async () => {
    const times = (from: number, n: number) => Array.from({ length: n }, (_, i) => 1_700_000_000 + from + i);
    const grows = path.join(tmp, 'grows.pcap');
    writeFileSync(grows, pcapAt(times(0, 10)));
    // Appended while the first chunk (the header and two records) is being delivered.
    const more = pcapAt(times(10, 1000)).subarray(24);
    const got: number[] = [];
    await openCaptureFile(grows, { chunkSize: 64 }).run((v) => {
      if (got.push(v.tsSec) === 1) appendFileSync(grows, more);
    });
    expect(got).toEqual(times(0, 1010));

    // 20-byte records: cut to 5,000 whole records and 7 bytes of the next while the first 4 KiB chunk is delivered.
    const shrinks = path.join(tmp, 'shrinks.pcap');
    writeFileSync(shrinks, pcapAt(times(0, 10_000)));
    let n = 0;
    const err = await openCaptureFile(shrinks, { chunkSize: 4096 })
      .run(() => {
        if (++n === 1) truncateSync(shrinks, 24 + 20 * 5000 + 7);
      })
      .then(() => undefined, (e: unknown) => e);
    expect(n).toBe(5000);
    expect(err).toBeInstanceOf(CaptureFileError);
    // 7 bytes do not hold the 16-byte record header, which is what the parser asks for first.
    expect((err as Error).message).toBe(`${shrinks}: record 5001 at byte offset ${24 + 20 * 5000}: file cut short: record needs 16 bytes, only 7 remain`);
  });

  it('holds the reading after a chunk while `hold` returns a promise: reads on once it settles, or stops there if stopped meanwhile', async () => {
    const file = path.join(tmp, 'held.pcap');
    writeFileSync(file, pcapAt(Array.from({ length: 100 }, (_, i) => 1_700_000_000 + i)));
    // The first chunk holds the file header and 10 records.
    const chunkSize = 24 + 20 * 10;
    const heldAt = async (stop: boolean): Promise<number> => {
      let release: (() => void) | undefined;
      let got = 0;
      const source = openCaptureFile(file, { chunkSize, hold: () => (got === 10 ? new Promise<void>((resolve) => (release = resolve)) : undefined) });
      const run = source.run(() => void got++);
      for (let i = 0; i < 200 && release === undefined; i++) await new Promise((r) => setTimeout(r, 5));
      await new Promise((r) => setTimeout(r, 20));
      expect(got).toBe(10);
      if (stop) source.stop();
      release?.();
      await run;
      return got;
    };
    expect(await heldAt(false)).toBe(100);
    expect(await heldAt(true)).toBe(10);
  });

  it('reads gzip-compressed captures transparently, also in tiny chunks', async () => {
    const plain = await records(path.join(corpus, 'decode/bigendian-pcap-sctp.pcap'));
    const gz = path.join(fixtures, 'bigendian-pcap-sctp.pcap.gz');
    const got = await records(gz);
    // MANIFEST.csv: 4 packets, 340 wire bytes.
    expect(got).toHaveLength(4);
    expect(got.reduce((sum, r) => sum + Number(r.split(' ')[1].split('/')[1]), 0)).toBe(340);
    expect(got).toEqual(plain);
    expect(await records(gz, { chunkSize: 3 })).toEqual(plain);
  });

  it('delivers what a truncated gzip holds, then a one-line CaptureFileError', async () => {
    const whole = readFileSync(path.join(fixtures, 'bigendian-pcap-sctp.pcap.gz'));
    const cut = path.join(tmp, 'cut.pcap.gz');
    writeFileSync(cut, whole.subarray(0, whole.length - 12)); // drops the gzip trailer and some data
    const source = openCaptureFile(cut);
    let n = 0;
    const err = await source.run(() => n++).then(() => undefined, (e: unknown) => e);
    expect(err).toBeInstanceOf(CaptureFileError);
    expect((err as Error).message).toMatch(new RegExp(`^${cut}: record \\d+ at byte offset \\d+: gzip: unexpected end of file$`));
    expect(n).toBeLessThan(4);
  });

  it('resolves on stop() and passes a sink error through unchanged, plain or gzip', async () => {
    for (const file of [path.join(corpus, 'decode/bigendian-pcap-sctp.pcap'), path.join(fixtures, 'bigendian-pcap-sctp.pcap.gz')]) {
      const source = openCaptureFile(file);
      let n = 0;
      await source.run(() => {
        n++;
        source.stop();
      });
      expect(n).toBe(1);
      const boom = new Error('sink failed');
      let m = 0;
      const err = await openCaptureFile(file, { chunkSize: 3 })
        .run(() => {
          if (++m === 2) throw boom;
        })
        .then(() => undefined, (e: unknown) => e);
      expect(err).toBe(boom);
      expect(m).toBe(2);
    }
  });

  it('rejects missing files, directories and empty files with a one-line CaptureError and a cause', async () => {
    const empty = path.join(tmp, 'empty.pcap');
    writeFileSync(empty, '');
    const cases: [string, string][] = [
      [path.join(tmp, 'missing.pcap'), 'cannot read: no such file'],
      [tmp, 'cannot read: is a directory'],
      [empty, 'empty file'],
    ];
    for (const [file, reason] of cases) {
      const err = await openCaptureFile(file).run(() => undefined).then(() => undefined, (e: unknown) => e);
      expect(err).toBeInstanceOf(CaptureError);
      expect((err as Error).message).toBe(`${file}: ${reason}`);
      if (reason.startsWith('cannot')) expect((err as Error).cause).toBeInstanceOf(Error);
    }
  });

  it('normalises a microsecond field >= 10^6 into seconds, as tshark shows it', async () => {
    const file = path.join(corpus, 'malformed/timestamp-invalid-microseconds.pcap');
    const got: string[] = [];
    await openCaptureFile(file).run((v) => got.push(`${v.tsSec}.${String(v.tsNsec).padStart(9, '0')}`));
    // tshark -T fields -e frame.time_epoch: 1418145369.999999000 and "1418145370.1000000000"
    // (ts_usec 1000000 kept as 10^9 ns); record 3 has ts_usec 2^31 (2147 s + 483648 us).
    expect(got).toEqual(['1418145369.999999000', '1418145371.000000000', '1418147517.483648000']);
  });

  it('paces delivery at N times real time and stops promptly when asked', async () => {
    const file = path.join(tmp, 'paced.pcap');
    writeFileSync(file, pcapAt([1000, 1000.2, 1000.4, 1100]));
    const source = openCaptureFile(file, { speed: 2 });
    const start = performance.now();
    const at: number[] = [];
    const done = source.run(() => {
      at.push(performance.now() - start);
      if (at.length === 3) setTimeout(() => source.stop(), 20);
    });
    await done;
    const elapsed = performance.now() - start;
    expect(at).toHaveLength(3);
    // 0.2 s of capture time at 2x = 100 ms between packets.
    expect(at[1]).toBeGreaterThanOrEqual(95);
    expect(at[2]).toBeGreaterThanOrEqual(195);
    // The fourth packet is due 50 s later; stop() ends the wait.
    expect(elapsed).toBeLessThan(1000);
  });

  it('gives the event loop a turn between chunks', async () => {
    const file = path.join(tmp, 'many.pcap');
    writeFileSync(file, pcapAt(Array.from({ length: 50_000 }, (_, i) => 1000 + i / 1000)));
    let delivered = 0;
    let seenByTimer = -1;
    await openCaptureFile(file, { chunkSize: 64 * 1024 }).run(() => {
      if (delivered++ === 0) setTimeout(() => (seenByTimer = delivered), 0);
    });
    // 50 000 records of 20 bytes span 16 chunks; the timer must fire between two of them.
    expect(delivered).toBe(50_000);
    expect(seenByTimer).toBeGreaterThan(0);
    expect(seenByTimer).toBeLessThan(50_000);
  });

  it('agrees with tshark on every timestamp of a multi-resolution pcapng', async () => {
    const file = path.join(corpus, 'decode/pcapng-multi-interface.pcapng');
    const tshark = execFileSync('tshark', ['-n', '-r', file, '-T', 'fields', '-e', 'frame.time_epoch'], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'],
    })
      .trim()
      .split('\n');
    const got: string[] = [];
    await openCaptureFile(file).run((v) => got.push(`${v.tsSec}.${String(v.tsNsec).padStart(9, '0')}`));
    expect(got).toEqual(tshark);
  });
});
