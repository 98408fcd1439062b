import { hashWords } from './word-hash.js';

/**
 * Fixed-capacity map from fixed-width word keys to dense entry ids in
 * [0, capacity), with linear probing and backward-shift deletion, so lookups
 * and inserts allocate nothing. Callers keep their per-entry data in arrays
 * indexed by the entry id.
 */
export class WordTable {
  /** Maximum number of entries. */
  readonly capacity: number;
  /** Words per key. */
  readonly width: number;
  /** Keys by entry id: entry e occupies keys[e*width .. e*width+width). */
  readonly keys: Uint32Array;
  /** Entry id + 1 by bucket, 0 for an empty bucket, so a new table needs no fill pass. */
  private readonly buckets: Int32Array;
  private readonly mask: number;
  private readonly hashes: Uint32Array;
  private readonly bucketOf: Int32Array;
  /** Ids removed since the last clear, reused last-removed first before any id at or above `issued`. */
  private readonly free: Int32Array;
  private freeTop = 0;
  private count = 0;
  /** One past the highest entry id handed out since the last clear: ids from it up are unused. */
  private issued = 0;

  /** @param capacity maximum entries; @param width words per key. */
  constructor(capacity: number, width: number) {
    if (!Number.isInteger(capacity) || capacity < 1) throw new RangeError(`table capacity must be a positive integer, got ${capacity}`);
    this.capacity = capacity;
    this.width = width;
    this.keys = new Uint32Array(capacity * width);
    // Load factor stays at or below 1/2, which keeps probe runs short.
    let size = 2;
    while (size < capacity * 2) size *= 2;
    this.buckets = new Int32Array(size);
    this.mask = size - 1;
    this.hashes = new Uint32Array(capacity);
    this.bucketOf = new Int32Array(capacity);
    this.free = new Int32Array(capacity);
  }

  /** Number of entries. */
  get size(): number {
    return this.count;
  }

  /** Removes every entry. */
  clear(): void {
    // Only ids below `issued` were ever in a bucket, so only their buckets need
    // resetting (a stale bucketOf of a removed id points at a bucket that is cleared anyway).
    for (let e = 0; e < this.issued; e++) this.buckets[this.bucketOf[e]] = 0;
    // Ids 0, 1, 2, ... are handed out after a clear.
    this.freeTop = 0;
    this.count = 0;
    this.issued = 0;
  }

  /** Hash of the key at key[at..at+width), as `find` and `insert` take it (hashWords with its default seed). */
  hash(key: Uint32Array, at = 0): number {
    return hashWords(key, at, this.width);
  }

  /** Hash of the key of entry `e` (which must be present), without rehashing it. */
  hashOf(e: number): number {
    return this.hashes[e];
  }

  /** Reads the home bucket of hash h (and returns it), so that a `find` or `insert` of h soon after finds its cache line on its way. */
  warm(h: number): number {
    return this.buckets[h & this.mask];
  }

  /** Entry id of the key at key[at..at+width), or -1; h is its `hash`, when the caller has it already. */
  find(key: Uint32Array, at = 0, h = this.hash(key, at)): number {
    // Each probe steps from the bucket before (as insert does), so the step has type feedback before the first
    // collision; a step only collisions reached would deoptimise every caller this is inlined into at the first.
    for (let b = (h - 1) & this.mask; ; ) {
      b = (b + 1) & this.mask;
      const e = this.buckets[b] - 1;
      if (e < 0) return -1;
      if (this.hashes[e] === h && this.equals(e, key, at)) return e;
    }
  }

  /** Inserts a key known to be absent; returns its entry id, or -1 when the table is full. h is its `hash`, when the caller has it already. */
  insert(key: Uint32Array, at = 0, h = this.hash(key, at)): number {
    // The free stack is filled by removals only, so a new table costs no pass over its capacity.
    let e: number;
    if (this.freeTop > 0) e = this.free[--this.freeTop];
    else if (this.issued < this.capacity) e = this.issued++;
    else return -1;
    let b = (h - 1) & this.mask;
    do b = (b + 1) & this.mask;
    while (this.buckets[b] !== 0);
    this.buckets[b] = e + 1;
    this.bucketOf[e] = b;
    this.hashes[e] = h;
    // An element loop: set(subarray()) would allocate a view per new host.
    const keys = this.keys;
    for (let i = 0, to = e * this.width; i < this.width; i++) keys[to + i] = key[at + i];
    this.count++;
    return e;
  }

  /** Removes entry `e` (which must be present); its id becomes free for reuse. */
  remove(e: number): void {
    let hole = this.bucketOf[e];
    this.buckets[hole] = 0;
    this.free[this.freeTop++] = e;
    this.count--;
    // Backward shift: move later members of the probe run into the hole when
    // their home bucket does not lie cyclically in (hole, j].
    for (let j = (hole + 1) & this.mask; this.buckets[j] !== 0; j = (j + 1) & this.mask) {
      const other = this.buckets[j] - 1;
      const home = this.hashes[other] & this.mask;
      const stays = hole <= j ? home > hole && home <= j : home > hole || home <= j;
      if (stays) continue;
      this.buckets[hole] = other + 1;
      this.bucketOf[other] = hole;
      this.buckets[j] = 0;
      hole = j;
    }
  }

  private equals(e: number, key: Uint32Array, at: number): boolean {
    const base = e * this.width;
    for (let i = 0; i < this.width; i++) if (this.keys[base + i] !== key[at + i]) return false;
    return true;
  }
}
