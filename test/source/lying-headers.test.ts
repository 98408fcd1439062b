import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { openCaptureFile } from '../../src/source/capture-file.js';
import { pcapFileHeader } from '../../src/synth/pcap-writer.js';
import { runCli } from '../cli/spawn.js';
import { block } from './hostile-pcapng.js';

const dir = mkdtempSync(path.join(tmpdir(), 'netscore-lying-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** The largest record or block the readers buffer (src/source/pcap-format.ts, pcapng-format.ts). */
const MAX_RECORD = 256 * 1024 * 1024;
/** A 60-byte frame: what the lies are told after. */
const FRAME = new Uint8Array(60).fill(0xab);

/** Classic little-endian pcap file header with this snaplen (LINKTYPE_ETHERNET). */
const pcapHeader = (snaplen: number) => Buffer.from(pcapFileHeader(snaplen));

/** A pcap record header claiming `caplen` bytes, followed by `data` (which may be shorter: the lie). */
function pcapRecord(caplen: number, data: Uint8Array = FRAME): Buffer {
  const h = Buffer.alloc(16);
  h.writeUInt32LE(1_700_000_000, 0);
  h.writeUInt32LE(caplen, 8);
  h.writeUInt32LE(caplen, 12);
  return Buffer.concat([h, data]);
}

/** Section header (1.0) and one Ethernet interface with a snaplen of 4 GB: blocks 1 and 2. */
const PCAPNG_HEAD = Buffer.concat([
  block(0x0a0d0d0a, Buffer.from('4d3c2b1a01000000ffffffffffffffff', 'hex')),
  block(1, Buffer.from('01000000ffffffff', 'hex')),
]);

/** An enhanced packet block carrying FRAME: block 3. */
const EPB = (() => {
  const body = Buffer.alloc(20 + FRAME.length);
  body.writeUInt32LE(FRAME.length, 12);
  body.writeUInt32LE(FRAME.length, 16);
  Buffer.from(FRAME).copy(body, 20);
  return block(6, body);
})();

interface Lie {
  name: string;
  bytes: Buffer;
  /** The damaged record (1-based) and its byte offset. */
  record: number;
  offset: number;
  reason: string;
}

const pcap4g = pcapHeader(0xffffffff);
const tail200m = pcapRecord(200_000_000, new Uint8Array(1000));
const pcapngTail = Buffer.alloc(8);
pcapngTail.writeUInt32LE(6, 0);
pcapngTail.writeUInt32LE(200_000_000, 4);
const cut200m = Buffer.concat([pcapngTail, Buffer.alloc(1000)]);

const LIES: Lie[] = [
  {
    name: 'pcap: snaplen of 4 GB, then a record claiming 4 GB',
    bytes: Buffer.concat([pcap4g, pcapRecord(FRAME.length), pcapRecord(0xfffffff0)]),
    record: 2,
    offset: 24 + 16 + 60,
    reason: `record length 4294967280 exceeds the maximum ${MAX_RECORD} (snaplen 4294967295)`,
  },
  {
    name: 'pcap: snaplen of 4 GB, then a 200 MB record in a file of 1 KB',
    bytes: Buffer.concat([pcap4g, pcapRecord(FRAME.length), tail200m]),
    record: 2,
    offset: 24 + 16 + 60,
    reason: `file cut short: record needs ${16 + 200_000_000} bytes, only ${tail200m.length} remain`,
  },
  {
    name: 'pcap: a record length beyond the end of the file',
    bytes: Buffer.concat([pcapHeader(65535), pcapRecord(FRAME.length), pcapRecord(1500)]),
    record: 2,
    offset: 24 + 16 + 60,
    reason: `file cut short: record needs ${16 + 1500} bytes, only ${16 + 60} remain`,
  },
  {
    name: 'pcapng: block length 0, which would never advance',
    bytes: Buffer.concat([PCAPNG_HEAD, EPB, block(6, Buffer.alloc(20), 0)]),
    record: 4,
    offset: PCAPNG_HEAD.length + EPB.length,
    reason: 'block length 0 is not a multiple of 4 of at least 12',
  },
  {
    name: 'pcapng: block length not a multiple of 4',
    bytes: Buffer.concat([PCAPNG_HEAD, EPB, block(6, Buffer.alloc(20), 30)]),
    record: 4,
    offset: PCAPNG_HEAD.length + EPB.length,
    reason: 'block length 30 is not a multiple of 4 of at least 12',
  },
  {
    name: 'pcapng: block length of 4 GB',
    bytes: Buffer.concat([PCAPNG_HEAD, EPB, block(6, Buffer.alloc(20), 0xfffffffc)]),
    record: 4,
    offset: PCAPNG_HEAD.length + EPB.length,
    reason: `block length 4294967292 exceeds the maximum ${MAX_RECORD}`,
  },
  {
    name: 'pcapng: a 200 MB block in a file of 1 KB',
    bytes: Buffer.concat([PCAPNG_HEAD, EPB, cut200m]),
    record: 4,
    offset: PCAPNG_HEAD.length + EPB.length,
    reason: `file cut short: record needs 200000000 bytes, only ${cut200m.length} remain`,
  },
  {
    name: 'pcapng: trailing length that disagrees with the leading one',
    bytes: Buffer.concat([PCAPNG_HEAD, EPB, block(6, Buffer.alloc(20), 32, 64)]),
    record: 4,
    offset: PCAPNG_HEAD.length + EPB.length,
    reason: 'block length 32 does not match trailing length 64',
  },
];

describe('capture files that lie in their headers', () => {
  it.each(LIES.map((l, i) => [l.name, l, i] as const))('%s: one line with record and offset, the packet before it counted, exit 1', async (_, lie, i) => {
    const file = path.join(dir, `lie-${i}.${lie.name.startsWith('pcapng') ? 'pcapng' : 'pcap'}`);
    writeFileSync(file, lie.bytes);
    const { code, stdout, stderr } = await runCli(['replay', '--summary', '--log.level=error', file]);
    expect(stderr).toBe(`netscore: ${file}: record ${lie.record} at byte offset ${lie.offset}: ${lie.reason}\n`);
    expect(code).toBe(1);
    expect(JSON.parse(stdout)).toMatchObject({ packets: 1, bytes: FRAME.length });
  });

  it.each(LIES.map((l, i) => [l.name, l, i] as const))('%s: never allocates what the header claims', async (_, lie, i) => {
    const file = path.join(dir, `alloc-${i}.bin`);
    writeFileSync(file, lie.bytes);
    const before = process.memoryUsage().arrayBuffers;
    // The source holds its parser and its record buffer until it is dropped, so they are live when measured.
    // Small reads put the lie across read boundaries, where a record is gathered in a buffer of its own.
    const source = openCaptureFile(file, { chunkSize: 64 });
    await expect(source.run(() => undefined)).rejects.toThrow(lie.reason);
    const grown = process.memoryUsage().arrayBuffers - before;
    // The bytes that were really there, never hundreds of MB.
    expect(grown).toBeLessThan(8 * 1024 * 1024);
  });
});
