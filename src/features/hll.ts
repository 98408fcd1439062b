/** 2^-r for every register value (ranks never exceed 33), so estimates need no Math.pow. */
const INVERSE_POWERS = Float64Array.from({ length: 34 }, (_, r) => 2 ** -r);

/**
 * A bank of small HyperLogLog sketches (Flajolet et al. 2007) for distinct
 * counts, one per slot, in one preallocated register array. Relative standard
 * error is about 1.04/sqrt(2^precision); small counts use linear counting and
 * are nearly exact.
 */
export class HllBank {
  /** Registers, `m` per slot (read whole by the partial-window codec; written only through the methods, which keep `used`). */
  readonly registers: Uint8Array;
  /** The registers as f64 words (m is a multiple of 8), so a clear is a few word stores rather than a fill call. */
  private readonly words: Float64Array;
  /** 1 for a slot that may hold a nonzero register; a slot at 0 has only zero registers, so clearing it touches none (an evicted host's unused sketches). */
  private readonly used: Uint8Array;
  /** Registers per slot. */
  readonly m: number;
  private readonly p: number;
  private readonly alphaMM: number;

  /** @param slots number of independent sketches; @param precision index bits p (4..12), m = 2^p registers each. */
  constructor(slots: number, precision = 7) {
    if (!Number.isInteger(precision) || precision < 4 || precision > 12) throw new RangeError(`HLL precision must be 4..12, got ${precision}`);
    this.p = precision;
    this.m = 1 << precision;
    this.registers = new Uint8Array(slots * this.m);
    this.words = new Float64Array(this.registers.buffer);
    this.used = new Uint8Array(slots);
    const alpha = this.m === 16 ? 0.673 : this.m === 32 ? 0.697 : this.m === 64 ? 0.709 : 0.7213 / (1 + 1.079 / this.m);
    this.alphaMM = alpha * this.m * this.m;
  }

  /** Adds an item, given as a well-mixed 32-bit hash, to sketch `slot`. */
  add(slot: number, hash: number): void {
    const idx = hash >>> (32 - this.p);
    // Rank of the first 1 bit in the remaining 32-p bits (all zeros → 32-p+1).
    const rest = (hash << this.p) >>> 0;
    const rank = rest === 0 ? 33 - this.p : Math.clz32(rest) + 1;
    const at = slot * this.m + idx;
    if (rank > this.registers[at]) {
      this.registers[at] = rank;
      this.used[slot] = 1;
    }
  }

  /** Estimated number of distinct items added to sketch `slot`. */
  estimate(slot: number): number {
    const base = slot * this.m;
    let sum = 0;
    let zeros = 0;
    for (let i = 0; i < this.m; i++) {
      const r = this.registers[base + i];
      sum += INVERSE_POWERS[r];
      if (r === 0) zeros++;
    }
    const raw = this.alphaMM / sum;
    if (raw <= 2.5 * this.m && zeros > 0) return this.m * Math.log(this.m / zeros);
    return raw;
  }

  /** Makes sketch `slot` count the union of itself and `from`'s sketch `fromSlot` (registers take the max); banks must share a precision. */
  merge(slot: number, from: HllBank, fromSlot: number): void {
    if (from.p !== this.p) throw new RangeError(`cannot merge HLL precision ${from.p} into ${this.p}`);
    const to = slot * this.m;
    const at = fromSlot * this.m;
    if (from.used[fromSlot] === 0) return;
    this.used[slot] = 1;
    for (let i = 0; i < this.m; i++) {
      const r = from.registers[at + i];
      if (r > this.registers[to + i]) this.registers[to + i] = r;
    }
  }

  /** Makes the `count` sketches from `slot` on hold the count × m registers at from[at..] (a decoded partial's). */
  load(slot: number, from: Uint8Array, at: number, count = 1): void {
    this.registers.set(from.subarray(at, at + count * this.m), slot * this.m);
    this.used.fill(1, slot, slot + count);
  }

  /** Empties sketch `slot`. */
  clear(slot: number): void {
    if (this.used[slot] === 0) return;
    this.used[slot] = 0;
    const n = this.m >>> 3;
    for (let i = slot * n, end = i + n; i < end; i++) this.words[i] = 0;
  }
}
