import { isInternal } from './addr.js';
import type { PayloadPool } from './payload-pool.js';

/** TCP flag bits. */
export const FIN = 0x01;
/** TCP SYN flag. */
export const SYN = 0x02;
/** TCP RST flag. */
export const RST = 0x04;
/** TCP PSH flag. */
export const PSH = 0x08;
/** TCP ACK flag. */
export const ACK = 0x10;

const ETH = 14;
const IP = 20;
/** Ethernet frames shorter than this are zero-padded, as they are on the wire. */
const MIN_FRAME = 60;
/** SYN options as Linux sends them minus timestamps: MSS 1460, NOP, WS 7, NOP, NOP, SACK_PERM. */
const SYN_OPTIONS = Uint8Array.of(2, 4, 0x05, 0xb4, 1, 3, 3, 7, 1, 1, 4, 2);
/** Largest payload a frame may carry (Ethernet MTU 1500 minus IPv4 and TCP headers). */
export const MSS = 1460;

/** Folds an unfolded one's-complement sum (any non-negative integer below 2^53) to 16 bits. */
function fold(sum: number): number {
  let s = sum;
  while (s > 0xffff) s = (s % 0x10000) + Math.floor(s / 0x10000);
  return s;
}

/** Unfolded one's-complement sum of `len` bytes of `buf` at `off`, treating the first byte as a high byte. */
function sumBytes(buf: Uint8Array, off: number, len: number): number {
  let s = 0;
  const end = off + (len & ~1);
  for (let i = off; i < end; i += 2) s += (buf[i] << 8) | buf[i + 1];
  if (len & 1) s += buf[off + len - 1] << 8;
  return s;
}

/**
 * Writes one Ethernet/IPv4 frame at a time into a reused buffer, with correct
 * lengths and IPv4, TCP, UDP and ICMP checksums. A payload is `head` (explicit
 * bytes, from `headOff`) followed by random pool bytes up to `len`.
 */
export class FrameBuilder {
  /** The frame bytes; valid until the next build call. */
  readonly buf = new Uint8Array(2048);
  /** Length of the current frame. */
  len = 0;
  private ipId = 0x1c46;

  /** Builds on `pool` for random payload. */
  constructor(private readonly pool: PayloadPool) {}

  /** Writes a TCP segment; SYN segments carry the usual options. */
  tcp(src: number, dst: number, sport: number, dport: number, flags: number, seq: number, ack: number, win: number, len: number, head: Uint8Array | null = null, headOff = 0): void {
    const opts = flags & SYN ? SYN_OPTIONS.length : 0;
    const l4 = ETH + IP;
    const hdr = 20 + opts;
    const b = this.buf;
    this.ip(src, dst, 6, hdr + len, true);
    b[l4] = sport >>> 8;
    b[l4 + 1] = sport & 255;
    b[l4 + 2] = dport >>> 8;
    b[l4 + 3] = dport & 255;
    put32(b, l4 + 4, seq);
    put32(b, l4 + 8, flags & ACK ? ack : 0);
    b[l4 + 12] = (hdr / 4) << 4;
    b[l4 + 13] = flags;
    b[l4 + 14] = win >>> 8;
    b[l4 + 15] = win & 255;
    b[l4 + 16] = 0;
    b[l4 + 17] = 0;
    b[l4 + 18] = 0;
    b[l4 + 19] = 0;
    if (opts) b.set(SYN_OPTIONS, l4 + 20);
    const psum = this.payload(l4 + hdr, len, head, headOff);
    const sum = pseudo(src, dst, 6, hdr + len) + sumBytes(b, l4, hdr) + psum;
    const ck = ~fold(sum) & 0xffff;
    b[l4 + 16] = ck >>> 8;
    b[l4 + 17] = ck & 255;
    this.finish(l4 + hdr + len);
  }

  /** Writes a UDP datagram. */
  udp(src: number, dst: number, sport: number, dport: number, len: number, head: Uint8Array | null = null, headOff = 0): void {
    const l4 = ETH + IP;
    const b = this.buf;
    this.ip(src, dst, 17, 8 + len, false);
    b[l4] = sport >>> 8;
    b[l4 + 1] = sport & 255;
    b[l4 + 2] = dport >>> 8;
    b[l4 + 3] = dport & 255;
    b[l4 + 4] = (8 + len) >>> 8;
    b[l4 + 5] = (8 + len) & 255;
    b[l4 + 6] = 0;
    b[l4 + 7] = 0;
    const psum = this.payload(l4 + 8, len, head, headOff);
    // A computed 0 is sent as 0xffff: 0 means "no checksum" in UDP over IPv4.
    const ck = ~fold(pseudo(src, dst, 17, 8 + len) + sumBytes(b, l4, 8) + psum) & 0xffff || 0xffff;
    b[l4 + 6] = ck >>> 8;
    b[l4 + 7] = ck & 255;
    this.finish(l4 + 8 + len);
  }

  /** Writes an ICMP message; `rest` is the 32-bit field after the checksum (id/sequence for echo). */
  icmp(src: number, dst: number, type: number, code: number, rest: number, len: number, head: Uint8Array | null = null): void {
    const l4 = ETH + IP;
    const b = this.buf;
    this.ip(src, dst, 1, 8 + len, false);
    b[l4] = type;
    b[l4 + 1] = code;
    b[l4 + 2] = 0;
    b[l4 + 3] = 0;
    put32(b, l4 + 4, rest);
    this.payload(l4 + 8, len, head, 0);
    const ck = ~fold(sumBytes(b, l4, 8 + len)) & 0xffff;
    b[l4 + 2] = ck >>> 8;
    b[l4 + 3] = ck & 255;
    this.finish(l4 + 8 + len);
  }

  /** Copies the current frame's IPv4 header and first 8 transport bytes (what ICMP errors quote). */
  quote(): Uint8Array {
    return this.buf.slice(ETH, ETH + IP + 8);
  }

  private ip(src: number, dst: number, proto: number, l4len: number, df: boolean): void {
    const b = this.buf;
    mac(b, 0, dst);
    mac(b, 6, src);
    b[12] = 0x08;
    b[13] = 0x00;
    const total = IP + l4len;
    this.ipId = (this.ipId + 0x9e37) & 0xffff;
    const id = this.ipId;
    b[14] = 0x45;
    b[15] = 0;
    b[16] = total >>> 8;
    b[17] = total & 255;
    b[18] = id >>> 8;
    b[19] = id & 255;
    b[20] = df ? 0x40 : 0;
    b[21] = 0;
    b[22] = ttl(src);
    b[23] = proto;
    b[24] = 0;
    b[25] = 0;
    put32(b, 26, src);
    put32(b, 30, dst);
    const ck = ~fold(sumBytes(b, ETH, IP)) & 0xffff;
    b[24] = ck >>> 8;
    b[25] = ck & 255;
  }

  /** Writes the payload at `at` and returns its unfolded checksum contribution. */
  private payload(at: number, len: number, head: Uint8Array | null, headOff: number): number {
    const h = head ? Math.max(0, Math.min(len, head.length - headOff)) : 0;
    let sum = 0;
    if (h > 0) {
      this.buf.set(head!.subarray(headOff, headOff + h), at);
      sum = sumBytes(this.buf, at, h);
    }
    const rest = len - h;
    if (rest > 0) {
      const off = this.pool.take(rest);
      this.buf.set(this.pool.bytes.subarray(off, off + rest), at + h);
      const s = fold(this.pool.sum(off, rest));
      // Pool bytes starting at an odd payload offset contribute their byte-swapped sum.
      sum += h & 1 ? ((s & 0xff) << 8) | (s >>> 8) : s;
    }
    return sum;
  }

  private finish(end: number): void {
    if (end < MIN_FRAME) this.buf.fill(0, end, MIN_FRAME);
    this.len = Math.max(end, MIN_FRAME);
  }
}

function put32(b: Uint8Array, at: number, v: number): void {
  b[at] = v >>> 24;
  b[at + 1] = (v >>> 16) & 255;
  b[at + 2] = (v >>> 8) & 255;
  b[at + 3] = v & 255;
}

function pseudo(src: number, dst: number, proto: number, len: number): number {
  return (src >>> 16) + (src & 0xffff) + (dst >>> 16) + (dst & 0xffff) + proto + len;
}

/** Locally administered MAC for internal hosts (02:00 + the address); external hosts sit behind the gateway. */
function mac(b: Uint8Array, at: number, addr: number): void {
  const a = isInternal(addr) ? addr : 0x0a000001;
  b[at] = 0x02;
  b[at + 1] = 0x00;
  put32(b, at + 2, a);
}

/** Initial TTL by address: internal hosts are one hop away, external ones 8 to 23 hops. */
function ttl(addr: number): number {
  if (!isInternal(addr)) return 64 - 8 - (addr % 16);
  return (addr & 0xff00) === 0 && addr % 3 === 0 ? 128 : 64;
}
