import { WordTable } from './word-table.js';

/**
 * A WordTable that remembers the order in which entries were last touched,
 * so that a full table makes room by dropping the least recently used entry.
 * Cross-window state (per host and destination) lives in these: memory stays
 * fixed, and pairs that went quiet are the ones forgotten.
 */
export class LruTable {
  /** The keys; entry ids index the owner's per-entry arrays. */
  readonly table: WordTable;
  private readonly prev: Int32Array;
  private readonly next: Int32Array;
  private head = -1;
  private tail = -1;
  /** True when the last touch inserted its key (the owner then resets the entry's data). */
  inserted = false;

  /** @param capacity entries remembered; @param width words per key. */
  constructor(capacity: number, width: number) {
    this.table = new WordTable(capacity, width);
    this.prev = new Int32Array(capacity);
    this.next = new Int32Array(capacity);
  }

  /**
   * Entry id of key[at..at+width), inserting it (in place of the least
   * recently used entry when full) and marking it most recently used.
   */
  touch(key: Uint32Array, at = 0): number {
    const h = this.table.hash(key, at);
    let e = this.table.find(key, at, h);
    this.inserted = e < 0;
    if (e < 0) {
      if (this.table.size === this.table.capacity) {
        const victim = this.tail;
        this.unlink(victim);
        this.table.remove(victim);
      }
      e = this.table.insert(key, at, h);
    } else {
      this.unlink(e);
    }
    this.pushFront(e);
    return e;
  }

  /**
   * Number of entries. Their ids are exactly 0 .. size - 1: an entry leaves
   * only when a new key takes its id, so an owner that does not need the
   * recency order can walk its per-entry arrays in id order.
   */
  get size(): number {
    return this.table.size;
  }

  /** Calls visit with every entry id, most recently used first. */
  forEach(visit: (e: number) => void): void {
    for (let e = this.head; e >= 0; e = this.next[e]) visit(e);
  }

  /** The most recently used entry id, -1 when empty; with `older`, a walk in recency order without a callback. */
  get newest(): number {
    return this.head;
  }

  /** The entry used just before entry e, -1 after the least recently used. */
  older(e: number): number {
    return this.next[e];
  }

  private unlink(e: number): void {
    const p = this.prev[e];
    const n = this.next[e];
    if (p >= 0) this.next[p] = n;
    else this.head = n;
    if (n >= 0) this.prev[n] = p;
    else this.tail = p;
  }

  private pushFront(e: number): void {
    this.prev[e] = -1;
    this.next[e] = this.head;
    if (this.head >= 0) this.prev[this.head] = e;
    this.head = e;
    if (this.tail < 0) this.tail = e;
  }
}
