import type { Prng } from '../util/prng.js';

/** Bytes in the pool; payloads are slices of it, so it must exceed the largest payload. */
const POOL_BYTES = 1 << 20;

/**
 * A block of seeded random bytes that stands in for encrypted payload, with
 * prefix sums of its big-endian 16-bit words so the Internet checksum of any
 * even-aligned slice costs O(1) instead of a pass over the bytes.
 */
export class PayloadPool {
  /** The random bytes. */
  readonly bytes = new Uint8Array(POOL_BYTES);
  /** wordSum[i] = sum of the first i 16-bit words (exact: stays below 2^53). */
  private readonly wordSum = new Float64Array(POOL_BYTES / 2 + 1);
  private cursor = 0;

  /** Fills the pool from `rng`. */
  constructor(rng: Prng) {
    const view = new DataView(this.bytes.buffer);
    for (let i = 0; i < POOL_BYTES; i += 4) view.setUint32(i, rng.nextUint32());
    for (let w = 0; w < POOL_BYTES / 2; w++) {
      this.wordSum[w + 1] = this.wordSum[w] + ((this.bytes[2 * w] << 8) | this.bytes[2 * w + 1]);
    }
  }

  /** Even offset of a fresh slice of `len` bytes; successive calls walk the pool deterministically. */
  take(len: number): number {
    if (this.cursor + len > POOL_BYTES) this.cursor = 0;
    const off = this.cursor;
    this.cursor += (len + 7) & ~1;
    return off;
  }

  /** Unfolded one's-complement sum of `len` bytes at even offset `off`, as if they began on an even byte. */
  sum(off: number, len: number): number {
    const words = len >>> 1;
    let s = this.wordSum[off / 2 + words] - this.wordSum[off / 2];
    if (len & 1) s += this.bytes[off + len - 1] << 8;
    return s;
  }
}
