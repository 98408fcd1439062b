import { createWriteStream, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createGzip } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { pcapFileHeader } from '../synth/pcap-writer.js';
import { openCaptureFile } from './capture-file.js';

const tmp = mkdtempSync(path.join(os.tmpdir(), 'netscore-capture-memory-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const PACKET = 60;
const RECORD = 16 + PACKET;
const PER_BLOCK = Math.floor((4 << 20) / RECORD);

/** Pcap header followed by `blocks` copies of a 4 MiB run of 60-byte records. */
function* capture(blocks: number): Generator<Buffer> {
  const head = Buffer.from(pcapFileHeader());
  yield head;
  const block = Buffer.alloc(PER_BLOCK * RECORD);
  for (let i = 0; i < PER_BLOCK; i++) {
    block.writeUInt32LE(1_700_000_000, i * RECORD);
    block.writeUInt32LE(i % 1_000_000, i * RECORD + 4);
    block.writeUInt32LE(PACKET, i * RECORD + 8);
    block.writeUInt32LE(PACKET, i * RECORD + 12);
  }
  for (let b = 0; b < blocks; b++) yield block;
}

/** Reads `file`, sampling heap and ArrayBuffer memory; returns counts, peak growth and rate. */
async function measure(file: string) {
  globalThis.gc?.();
  const base = process.memoryUsage();
  let heapPeak = 0;
  let buffersPeak = 0;
  let packets = 0;
  let bytes = 0;
  const start = performance.now();
  await openCaptureFile(file).run((v) => {
    packets++;
    bytes += v.wirelen;
    if ((packets & 0x3ffff) === 0) {
      const m = process.memoryUsage();
      heapPeak = Math.max(heapPeak, m.heapUsed - base.heapUsed);
      buffersPeak = Math.max(buffersPeak, m.arrayBuffers - base.arrayBuffers);
    }
  });
  const seconds = (performance.now() - start) / 1000;
  return { packets, bytes, heapPeak, buffersPeak, pps: packets / seconds };
}

describe('constant memory', () => {
  it('streams a ~200 MB pcap with bounded heap and buffers', async () => {
    const blocks = 50;
    const file = path.join(tmp, 'big.pcap');
    await pipeline(Readable.from(capture(blocks)), createWriteStream(file));
    const got = await measure(file);
    rmSync(file);
    expect(got.packets).toBe(blocks * PER_BLOCK);
    expect(got.bytes).toBe(blocks * PER_BLOCK * PACKET);
    // The file is 210 MB; a reader that kept it (or its packets) would exceed these by far.
    expect(got.heapPeak).toBeLessThan(16 << 20);
    expect(got.buffersPeak).toBeLessThan(16 << 20);
    console.log(`read-only: ${(got.pps / 1e6).toFixed(2)} M packets/s (60-byte packets)`);
  });

  it('streams a gzip-compressed ~100 MB pcap with bounded heap and buffers', async () => {
    const blocks = 25;
    const file = path.join(tmp, 'big.pcap.gz');
    await pipeline(Readable.from(capture(blocks)), createGzip({ level: 1 }), createWriteStream(file));
    const got = await measure(file);
    expect(got.packets).toBe(blocks * PER_BLOCK);
    expect(got.heapPeak).toBeLessThan(16 << 20);
    expect(got.buffersPeak).toBeLessThan(32 << 20);
  });
});
