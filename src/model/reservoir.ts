import { Prng } from '../util/prng.js';

/**
 * Fixed-size uniform sample of a stream of equal-width rows (Vitter's
 * Algorithm R) with a seeded PRNG, stored in one preallocated array.
 */
export class Reservoir {
  private readonly data: Float64Array;
  private readonly rng: Prng;
  private count = 0;
  private seen = 0;

  /** @param capacity rows kept; @param width values per row; @param seed PRNG seed. */
  constructor(
    readonly capacity: number,
    readonly width: number,
    seed: number,
  ) {
    if (!Number.isInteger(capacity) || capacity < 1) throw new RangeError(`reservoir capacity must be a positive integer, got ${capacity}`);
    this.data = new Float64Array(capacity * width);
    this.rng = new Prng(seed);
  }

  /** Rows currently held. */
  get size(): number {
    return this.count;
  }

  /** Offers the row values[at..at+width); it is kept with probability capacity/seen. */
  add(values: Float64Array, at = 0): void {
    const slot = this.claim();
    if (slot >= 0) this.put(slot, 0, values, at, this.width);
  }

  /**
   * Counts one offered row and returns the slot it is kept in (to be filled
   * with `put` before the next offer), or -1 when the sample skips it: a caller
   * that claims first copies only the rows kept, and copies them once.
   */
  claim(): number {
    this.seen++;
    if (this.count < this.capacity) return this.count++;
    const slot = this.rng.nextInt(this.seen);
    return slot < this.capacity ? slot : -1;
  }

  /** Writes values[at..at+n) into the row in `slot` from its value `from` on. */
  put(slot: number, from: number, values: Float64Array, at: number, n: number): void {
    // An element loop: set(subarray()) would allocate a view per row.
    const data = this.data;
    const to = slot * this.width + from;
    for (let i = 0; i < n; i++) data[to + i] = values[at + i];
  }

  /** The held rows, row-major (a view; valid until the next add). */
  rows(): Float64Array {
    return this.data.subarray(0, this.count * this.width);
  }

  /**
   * Restarts the stream count at the held size, so rows offered from now on
   * replace held ones at a high rate: the sample leans towards recent rows.
   */
  age(): void {
    this.seen = this.count;
  }

  /** Rows offered since the start or the last age(), which sets the replacement rate. */
  get offered(): number {
    return this.seen;
  }

  /**
   * Replaces the content with saved rows (row-major, as rows() returns them)
   * and the saved offered count. A sample larger than the capacity keeps its
   * first rows, which is still a uniform sample since slots fill at random.
   */
  restore(rows: Float64Array, offered: number): void {
    if (rows.length % this.width !== 0) throw new RangeError(`saved reservoir has ${rows.length} values, not whole rows of ${this.width}`);
    const count = Math.min(rows.length / this.width, this.capacity);
    this.data.set(rows.subarray(0, count * this.width));
    this.count = count;
    this.seen = Math.max(count, Number.isSafeInteger(offered) ? offered : 0);
  }
}
