import { describe, expect, it } from 'vitest';
import { CaptureParser } from './capture-parser.js';
import { CaptureError, CaptureFileError } from './source.js';

/** Bytes from hex text; `//` comments and whitespace are ignored. */
function hex(text: string): Uint8Array {
  const digits = text.replace(/\/\/.*$/gm, '').replace(/\s+/g, '');
  return Uint8Array.from(digits.match(/../g) ?? [], (b) => parseInt(b, 16));
}

/** Plain copy of a delivered packet. */
interface Rec {
  ts: string;
  caplen: number;
  wirelen: number;
  linktype: number;
  iface: string;
  data: string;
}

/** Feeds `bytes` in chunks of `chunk` bytes; returns the packets and the error, if any. */
function parseBytes(bytes: Uint8Array, chunk = bytes.length): { recs: Rec[]; error: unknown } {
  const recs: Rec[] = [];
  const parser = new CaptureParser('mem.pcap', (v) => {
    recs.push({
      ts: `${v.tsSec}.${String(v.tsNsec).padStart(9, '0')}`,
      caplen: v.caplen,
      wirelen: v.wirelen,
      linktype: v.linktype,
      iface: v.iface,
      data: Buffer.from(v.data.subarray(v.offset, v.offset + v.caplen)).toString('hex'),
    });
  });
  try {
    for (let i = 0; i < bytes.length; i += chunk) {
      parser.feed(bytes.subarray(i, i + chunk));
      expect(parser.drain()).toBe(true);
    }
    parser.finish();
  } catch (err) {
    return { recs, error: err };
  }
  return { recs, error: undefined };
}

/** Parses and requires success. */
function parseOk(bytes: Uint8Array): Rec[] {
  const { recs, error } = parseBytes(bytes);
  expect(error).toBeUndefined();
  return recs;
}

const PCAP_LE = hex(`
  d4c3b2a1            // magic a1b2c3d4, little-endian, microseconds
  0200 0400           // version 2.4
  00000000 00000000   // thiszone, sigfigs
  ffff0000            // snaplen 65535
  01000000            // linktype 1 (ETHERNET)
  00f15365            // rec 1: ts_sec 1700000000
  40e20100            // ts_usec 123456
  04000000 3c000000   // caplen 4, wirelen 60
  deadbeef            // data
  01f15365            // rec 2: ts_sec 1700000001
  3f420f00            // ts_usec 999999
  02000000 02000000   // caplen 2, wirelen 2
  0102                // data
`);

const PCAP_EXPECTED: Rec[] = [
  { ts: '1700000000.123456000', caplen: 4, wirelen: 60, linktype: 1, iface: 'if0', data: 'deadbeef' },
  { ts: '1700000001.999999000', caplen: 2, wirelen: 2, linktype: 1, iface: 'if0', data: '0102' },
];

describe('classic pcap', () => {
  it('reads little-endian microsecond pcap', () => {
    expect(parseOk(PCAP_LE)).toEqual(PCAP_EXPECTED);
  });

  it('reads big-endian microsecond pcap', () => {
    const be = hex(`
      a1b2c3d4 0002 0004  // magic, big-endian; version 2.4
      00000000 00000000   // thiszone, sigfigs
      0000ffff 00000001   // snaplen 65535, linktype 1
      6553f100 0001e240   // rec 1: 1700000000 s, 123456 us
      00000004 0000003c   // caplen 4, wirelen 60
      deadbeef            // data
      6553f101 000f423f   // rec 2: 1700000001 s, 999999 us
      00000002 00000002   // caplen 2, wirelen 2
      0102                // data
    `);
    expect(parseOk(be)).toEqual(PCAP_EXPECTED);
  });

  it('reads nanosecond pcap', () => {
    const ns = hex(`
      4d3cb2a1 0200 0400  // magic a1b23c4d (nanoseconds), little-endian; version 2.4
      00000000 00000000   // thiszone, sigfigs
      00000400 71000000   // snaplen 262144, linktype 113 (LINUX_SLL)
      00f15365            // ts_sec 1700000000
      15cd5b07            // ts_nsec 123456789
      01000000 01000000   // caplen 1, wirelen 1
      ff                  // data
    `);
    expect(parseOk(ns)).toEqual([
      { ts: '1700000000.123456789', caplen: 1, wirelen: 1, linktype: 113, iface: 'if0', data: 'ff' },
    ]);
  });

  it('reads the modified (Kuznetzov) pcap with 24-byte record headers', () => {
    const modified = hex(`
      34cdb2a1 0200 0400  // magic a1b2cd34, little-endian; version 2.4
      00000000 00000000   // thiszone, sigfigs
      ffff0000 01000000   // snaplen 65535, linktype 1
      00f15365 40e20100   // ts 1700000000 s, 123456 us
      04000000 3c000000   // caplen 4, wirelen 60
      02000000            // ifindex 2
      0008                // protocol 0x0800
      00 00               // pkt_type, pad
      deadbeef            // data
      01f15365 3f420f00   // ts 1700000001 s, 999999 us
      02000000 02000000   // caplen 2, wirelen 2
      02000000 0008 00 00 // ifindex, protocol, pkt_type, pad
      0102                // data
    `);
    expect(parseOk(modified)).toEqual(PCAP_EXPECTED);
  });

  it('masks the linktype field to its low 16 bits (FCS bits above)', () => {
    const fcs = PCAP_LE.slice();
    fcs.set(hex('01000030'), 20); // linktype field 0x30000001: FCS length 3, linktype 1
    expect(parseOk(fcs)).toEqual(PCAP_EXPECTED);
  });

  it('rejects reserved linktype bits, a bad version and a foreign magic with a CaptureError', () => {
    const reserved = PCAP_LE.slice();
    reserved.set(hex('01003000'), 20); // 0x00300001: reserved bits 16-25 set
    const version = PCAP_LE.slice();
    version.set(hex('01000400'), 4); // version 1.4
    const cases: [Uint8Array, string][] = [
      [reserved, 'mem.pcap: pcap linktype field 0x00300001 has reserved bits set'],
      [version, 'mem.pcap: unsupported pcap version 1.4'],
      [hex('7f454c46 02010100'), 'mem.pcap: not a pcap or pcapng file (magic bytes 7f 45 4c 46)'],
      [new Uint8Array(0), 'mem.pcap: empty file'],
      [PCAP_LE.subarray(0, 10), 'mem.pcap: too short for a capture file (10 bytes)'],
    ];
    for (const [bytes, message] of cases) {
      const { recs, error } = parseBytes(bytes);
      expect(recs).toEqual([]);
      expect(error).toBeInstanceOf(CaptureError);
      expect(error).not.toBeInstanceOf(CaptureFileError);
      expect((error as Error).message).toBe(message);
    }
  });

  it('delivers records up to a too-long one, then names it', () => {
    const bad = new Uint8Array(PCAP_LE.length + 16);
    bad.set(PCAP_LE);
    bad.set(hex('00f15365 00000000 00000500 00000500'), PCAP_LE.length); // caplen 327680 > 262144
    const { recs, error } = parseBytes(bad);
    expect(recs).toEqual(PCAP_EXPECTED);
    expect(error).toBeInstanceOf(CaptureFileError);
    expect(error).toMatchObject({ record: 3, offset: PCAP_LE.length });
    expect((error as Error).message).toBe(
      `mem.pcap: record 3 at byte offset ${PCAP_LE.length}: record length 327680 exceeds the maximum 262144 (snaplen 65535)`,
    );
  });

  it('reports a record cut short after delivering the complete ones', () => {
    const { recs, error } = parseBytes(PCAP_LE.subarray(0, PCAP_LE.length - 1), 5);
    expect(recs).toEqual(PCAP_EXPECTED.slice(0, 1));
    expect((error as Error).message).toBe('mem.pcap: record 2 at byte offset 44: file cut short: record needs 18 bytes, only 17 remain');
  });

  it('swaps caplen and wirelen in version 2.2 files, as libpcap does', () => {
    const old = PCAP_LE.slice();
    old.set(hex('0200 0200'), 4); // version 2.2: lengths stored as wirelen, caplen
    old.set(hex('3c000000 04000000'), 32); // rec 1: stored 60, 4
    expect(parseOk(old)[0]).toEqual(PCAP_EXPECTED[0]);
  });
});

const SHB_LE = `
  0a0d0d0a            // SHB
  1c000000            // block length 28
  4d3c2b1a            // byte-order magic, little-endian
  0100 0000           // version 1.0
  ffffffffffffffff    // section length unknown
  1c000000            // block length
`;

describe('pcapng', () => {
  it('reads two sections of different byte order, each with its own interfaces', () => {
    const bytes = hex(`
      ${SHB_LE}
      01000000 20000000   // IDB, length 32
      0100 0000           // linktype 1, reserved
      00000400            // snaplen 262144
      0200 0400 65746830  // if_name "eth0"
      0000 0000           // opt_endofopt
      20000000            // block length
      06000000 24000000   // EPB, length 36
      00000000            // interface 0
      240a0600 f13b2818   // ts 0x00060a24_18283bf1 us = 1700000000.654321
      03000000 40000000   // caplen 3, wirelen 64
      aabbcc00            // data + padding
      24000000            // block length
      0a0d0d0a 0000001c   // SHB, length 28, big-endian
      1a2b3c4d 0001 0000  // byte-order magic; version 1.0
      ffffffffffffffff    // section length
      0000001c            // block length
      00000001 00000014   // IDB, length 20
      0065 0000 0000ffff  // linktype 101 (RAW), reserved, snaplen 65535
      00000014            // block length
      00000006 00000024   // EPB, length 36
      00000000            // interface 0 of the new section
      00060a24 18283bf1   // ts 1700000000.654321
      00000004 00000004   // caplen 4, wirelen 4
      45000014            // data
      00000024            // block length
    `);
    expect(parseOk(bytes)).toEqual([
      { ts: '1700000000.654321000', caplen: 3, wirelen: 64, linktype: 1, iface: 'eth0', data: 'aabbcc' },
      { ts: '1700000000.654321000', caplen: 4, wirelen: 4, linktype: 101, iface: 'if0', data: '45000014' },
    ]);
  });

  const MULTI = hex(`
    ${SHB_LE}
    01000000 2c000000     // IDB 0, length 44
    0100 0000 08000000    // linktype 1, reserved, snaplen 8
    0900 0100 09000000    // if_tsresol 9: nanoseconds
    0e00 0800             // if_tsoffset, 8 bytes
    0a00000000000000      // +10 s
    0000 0000             // opt_endofopt
    2c000000              // block length
    01000000 28000000     // IDB 1, length 40
    7100 0000 00000000    // linktype 113 (LINUX_SLL), reserved, snaplen 0 (unlimited)
    0900 0100 94000000    // if_tsresol 0x94: 2^-20 s
    0200 0300 77616e00    // if_name "wan"
    0000 0000             // opt_endofopt
    28000000              // block length
    06000000 24000000     // EPB, length 36
    00000000              // interface 0
    fe9c9717 15cd853d     // ts 0x17979cfe_3d85cd15 ns = 1700000000.123456789
    01000000 01000000     // caplen 1, wirelen 1
    01000000              // data + padding
    24000000              // block length
    06000000 24000000     // EPB, length 36
    01000000              // interface 1
    3f550600 00000810     // ts 0x0006553f_10080000 = (1700000000 * 2^20 + 2^19) units
    02000000 02000000     // caplen 2, wirelen 2
    02020000              // data + padding
    24000000              // block length
    99000000 10000000     // unknown block type 0x99, length 16
    cafebabe              // body
    10000000              // block length
    03000000 1c000000     // SPB, length 28
    0a000000              // original length 10
    000102030405060708090000 // data + padding
    1c000000              // block length
    02000000 24000000     // PB (obsolete), length 36
    0100 0000             // interface 1, drops 0
    3f550600 00000810     // ts, as above
    03000000 05000000     // caplen 3, wirelen 5
    abcdef00              // data + padding
    24000000              // block length
  `);

  const MULTI_EXPECTED: Rec[] = [
    { ts: '1700000010.123456789', caplen: 1, wirelen: 1, linktype: 1, iface: 'if0', data: '01' },
    { ts: '1700000000.500000000', caplen: 2, wirelen: 2, linktype: 113, iface: 'wan', data: '0202' },
    // SPB: interface 0, caplen = min(original length 10, snaplen 8); no timestamp of its own.
    { ts: '1700000000.500000000', caplen: 8, wirelen: 10, linktype: 1, iface: 'if0', data: '0001020304050607' },
    { ts: '1700000000.500000000', caplen: 3, wirelen: 5, linktype: 113, iface: 'wan', data: 'abcdef' },
  ];

  it('reads interfaces with their own linktype, tsresol (10^-9, 2^-20), tsoffset and name; SPB, PB, unknown blocks', () => {
    expect(parseOk(MULTI)).toEqual(MULTI_EXPECTED);
  });

  it('gives the same records whatever the chunk size', () => {
    for (const chunk of [1, 2, 3, 7, 13, 64]) expect(parseBytes(MULTI, chunk)).toEqual({ recs: MULTI_EXPECTED, error: undefined });
  });

  it('interns interface names: one string per interface', () => {
    const names: string[] = [];
    const parser = new CaptureParser('x', (v) => names.push(v.iface));
    parser.feed(MULTI);
    parser.drain();
    expect(names[1]).toBe(names[3]);
    expect(names[0]).toBe(names[2]);
  });

  /** A section with one IDB (blocks 1-2, 48 bytes) followed by `tail`. */
  const section = (tail: string) => hex(`${SHB_LE} 01000000 14000000 0100 0000 00000400 14000000 ${tail}`);

  it.each([
    ['06000000 24000000 03000000 00000000 00000000 01000000 01000000 01000000 24000000', 'packet refers to interface 3, which the section does not define'],
    ['06000000 0d000000 00000000 00000000', 'block length 13 is not a multiple of 4 of at least 12'],
    ['06000000 08000000 00000000', 'block length 8 is not a multiple of 4 of at least 12'],
    ['99000000 10000000 00000000 14000000', 'block length 16 does not match trailing length 20'],
    ['06000000 04000010 00000000', 'block length 268435460 exceeds the maximum 268435456'],
    ['06000000 00001000 00000000', 'file cut short: record needs 1048576 bytes, only 12 remain'],
    ['06000000 24000000 00000000 00000000 00000000 09000000 09000000 01000000 24000000', "captured length 9 exceeds the block's 4 data bytes"],
    ['0a0d0d0a 1c000000 01020304 0100 0000 ffffffffffffffff 1c000000', 'bad section byte-order magic 0x01020304'],
    ['0a0d0d0a 1c000000 4d3c2b1a 0000 0100 ffffffffffffffff 1c000000', 'unsupported pcapng section version 0.1'],
    ['01000000 18000000 0100 0000 00000000 0200 3030 18000000', 'option 2 of length 12336 runs past the end of the block'],
  ])('rejects damage in block 3 (%s): %s', (tail, reason) => {
    const { recs, error } = parseBytes(section(tail), 5);
    expect(recs).toEqual([]);
    expect(error).toBeInstanceOf(CaptureFileError);
    expect((error as Error).message).toBe(`mem.pcap: record 3 at byte offset 48: ${reason}`);
  });
});

describe('CaptureParser control', () => {
  it('pauses on a packet the gate refuses and delivers it when resumed', () => {
    const seen: string[] = [];
    const parser = new CaptureParser('x', (v) => seen.push(v.tsSec.toString()));
    let open = false;
    parser.gate = () => open;
    parser.feed(PCAP_LE);
    expect(parser.drain()).toBe(false);
    expect(seen).toEqual([]);
    open = true;
    expect(parser.drain()).toBe(true);
    expect(seen).toEqual(['1700000000', '1700000001']);
  });

  it('stops after the packet being delivered', () => {
    let n = 0;
    const parser = new CaptureParser('x', () => {
      n++;
      parser.stop();
    });
    parser.feed(PCAP_LE);
    expect(parser.drain()).toBe(false);
    expect(n).toBe(1);
  });
});
