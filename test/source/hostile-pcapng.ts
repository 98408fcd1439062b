// Builders of little-endian pcapng files whose timestamps or interface tables
// are hostile: the files of test/fixtures/source/hostile/ and the timestamp fuzzer.

/** One Ethernet/IPv4/UDP frame, 10.0.0.1:1000 -> 10.0.0.2:53, 18 payload bytes (60 bytes in all). */
export const UDP_FRAME = Buffer.from(
  '0200000000020200000000010800' + // Ethernet: dst, src, IPv4
    '4500002e00010000401166c00a0000010a000002' + // IPv4: 46 bytes, TTL 64, UDP, checksum, addresses
    '03e80035001a0000' + // UDP: 1000 -> 53, 26 bytes, no checksum
    '000000000000000000000000000000000000', // payload
  'hex',
);

/** A block of `type` around `body` (padded to 4 bytes), its length fields set to `length` and `trailer` (default: the true length). */
export function block(type: number, body: Uint8Array, length?: number, trailer?: number): Buffer {
  const padded = (body.length + 3) & ~3;
  const b = Buffer.alloc(12 + padded);
  b.writeUInt32LE(type, 0);
  b.writeUInt32LE(length ?? b.length, 4);
  Buffer.from(body).copy(b, 8);
  b.writeUInt32LE(trailer ?? length ?? b.length, b.length - 4);
  return b;
}

/** Section header block, version 1.0, section length unknown. */
export const SHB = block(0x0a0d0d0a, Buffer.from('4d3c2b1a01000000ffffffffffffffff', 'hex'));

/** Options of an interface description block. */
export interface InterfaceOptions {
  /** `if_tsresol` byte; absent: the default (microseconds). */
  tsresol?: number;
  /** `if_tsoffset` in seconds, a signed 64-bit value; absent: 0. */
  tsoffset?: bigint;
}

/** An Ethernet interface description block (snaplen 65535) with `opts`. */
export function idb(opts: InterfaceOptions = {}): Buffer {
  const parts = [Buffer.from('01000000ffff0000', 'hex')];
  if (opts.tsresol !== undefined) parts.push(Buffer.from([9, 0, 1, 0, opts.tsresol, 0, 0, 0]));
  if (opts.tsoffset !== undefined) {
    const o = Buffer.alloc(12);
    o.writeUInt16LE(14, 0);
    o.writeUInt16LE(8, 2);
    o.writeBigInt64LE(opts.tsoffset, 4);
    parts.push(o);
  }
  if (parts.length > 1) parts.push(Buffer.alloc(4));
  return block(1, Buffer.concat(parts));
}

/** An enhanced packet block of interface `iface` carrying `frame` at `units` (a 64-bit unit count). */
export function epb(units: bigint, frame: Uint8Array = UDP_FRAME, iface = 0): Buffer {
  const body = Buffer.alloc(20 + frame.length);
  body.writeUInt32LE(iface, 0);
  body.writeUInt32LE(Number(units >> 32n), 4);
  body.writeUInt32LE(Number(units & 0xffffffffn), 8);
  body.writeUInt32LE(frame.length, 12);
  body.writeUInt32LE(frame.length, 16);
  Buffer.from(frame).copy(body, 20);
  return block(6, body);
}

/** A hostile file: its name in test/fixtures/source/hostile/, its bytes, and the record that must be refused. */
export interface HostileFile {
  name: string;
  bytes: Buffer;
  /** 1-based number of the refused block, and its byte offset. */
  record: number;
  offset: number;
  /** The reason the reader gives. */
  reason: string;
}

/** A sane packet (2023-11-14, microseconds), so that every hostile file has one good packet before the bad one. */
const GOOD = 1_700_000_000_000_000n;
const head = (opts: InterfaceOptions) => Buffer.concat([SHB, idb(opts)]);

/** The timestamp files of issue 13, item 3: each hung netscore for ever. */
export const EXTREME_TIMESTAMPS: HostileFile[] = [
  { opts: { tsresol: 0 }, first: 1_700_000_000n, units: 2n ** 57n, name: 'ts-resol0-2pow57.pcapng', sec: '144115188075855870' },
  { opts: {}, first: GOOD, units: 2n ** 64n - 1n, name: 'ts-max-u64.pcapng', sec: '18446744073709' },
  { opts: { tsoffset: 2n ** 63n - 1n }, first: 0n, units: 0n, name: 'ts-offset-plus-2pow63.pcapng', sec: '9223372036854776000' },
  { opts: { tsoffset: -(2n ** 63n) }, first: 0n, units: GOOD, name: 'ts-offset-minus-2pow63.pcapng', sec: '-9223372035154776000' },
].map(({ opts, first, units, name, sec }) => {
  const good = opts.tsoffset === undefined ? epb(first) : Buffer.alloc(0);
  const h = head(opts);
  const bytes = Buffer.concat([h, good, epb(units)]);
  return {
    name,
    bytes,
    record: good.length > 0 ? 4 : 3,
    offset: h.length + good.length,
    reason: `timestamp ${sec} s is outside 1970-01-01 to 3000-01-01 (interface 0: if_tsresol, if_tsoffset or the timestamp is damaged)`,
  };
});
