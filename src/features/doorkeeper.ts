import { hashWords } from './word-hash.js';

/** Seed of the check hash, independent of the set hash (WordTable's default seed). */
const CHECK_SEED = 0x5bd1e995;
/** Words per slot: set hash, check hash, time of the first sighting (a set hash of -1 marks an empty slot). */
const SLOT = 3;
/** Slots per set. */
const WAYS = 2;

/** First sightings each admission filter remembers unless told otherwise (`--hosts.doorkeeper`). */
export const DEFAULT_DOORKEEPER_SLOTS = 65_536;

/**
 * An admission filter in front of a cross-window table (TinyLFU's
 * doorkeeper): it remembers the first sighting of a key (two independent
 * 32-bit hashes of it and the time) in a 2-way set, so the key enters its
 * table only when seen again, seeded with the first sighting's time. A key
 * seen once (a spoofed source's) costs one set and never reaches the table.
 * A full set drops its older sighting (`overwritten`); that key, seen
 * again, is then held again. Two keys are confused only when both hashes
 * match (about 2^-32 per probe of a held slot).
 */
export class Doorkeeper {
  /** First sightings held back from the table (a monotonic count). */
  heldBack = 0;
  /** First sightings dropped from a full set for a newer one (a monotonic count). */
  overwritten = 0;
  /** First sightings held now. */
  held = 0;
  private readonly slots: Float64Array;
  private readonly mask: number;
  /** probe's scratch: the probed key's set hash and check hash. */
  private hash = 0;
  private check = 0;

  /** @param capacity first sightings remembered (rounded up to a power of two, at least 2); @param width words per key. */
  constructor(
    capacity: number,
    readonly width: number,
  ) {
    let sets = 1;
    while (sets * WAYS < capacity) sets *= 2;
    this.mask = sets - 1;
    this.slots = new Float64Array(sets * WAYS * SLOT);
    for (let s = 0; s < this.slots.length; s += SLOT) this.slots[s] = -1;
  }

  /** Slots of the filter (first sightings it can hold). */
  get capacity(): number {
    return this.slots.length / SLOT;
  }

  /** Time of the held first sighting of key[at..at+width), or NaN when none is held. */
  first(key: Uint32Array, at = 0): number {
    const s = this.probe(key, at);
    return s < 0 ? NaN : this.slots[s + 2];
  }

  /** Forgets the held first sighting of key[at..at+width) and returns its time (the key is admitted), or NaN when none is held. */
  take(key: Uint32Array, at = 0): number {
    const s = this.probe(key, at);
    if (s < 0) return NaN;
    this.slots[s] = -1;
    this.held--;
    return this.slots[s + 2];
  }

  /**
   * The time of the held first sighting of key[at..at+width), forgotten (the
   * caller admits the key to its table); or NaN after holding this sighting,
   * at `ts`, as the key's first.
   */
  admit(key: Uint32Array, at: number, ts: number): number {
    const first = this.take(key, at);
    if (!Number.isNaN(first)) return first;
    this.heldBack++;
    this.place(this.hash, this.check, ts);
    return NaN;
  }

  /** The held first sightings as flat (set hash, check hash) pairs, for a saved history. */
  toDoc(): number[] {
    const out: number[] = [];
    for (let s = 0; s < this.slots.length; s += SLOT) if (this.slots[s] >= 0) out.push(this.slots[s], this.slots[s + 1]);
    return out;
  }

  /** Holds the (set hash, check hash) pairs of a toDoc, each as a first sighting at `ts`. */
  restore(flat: readonly number[], ts: number): void {
    for (let i = 0; i + 1 < flat.length; i += 2) this.place(flat[i], flat[i + 1], ts);
  }

  /** Word offset of the slot holding key[at..at+width), or -1; leaves the key's hashes in the scratch fields. */
  private probe(key: Uint32Array, at: number): number {
    const hash = hashWords(key, at, this.width);
    const check = hashWords(key, at, this.width, CHECK_SEED);
    this.hash = hash;
    this.check = check;
    const base = (hash & this.mask) * WAYS * SLOT;
    const w = this.slots;
    if (w[base] === hash && w[base + 1] === check) return base;
    if (w[base + SLOT] === hash && w[base + SLOT + 1] === check) return base + SLOT;
    return -1;
  }

  /** Holds a first sighting at `ts` in its set: in an empty slot, else in place of the older one (counted overwritten). */
  private place(hash: number, check: number, ts: number): void {
    const w = this.slots;
    const base = (hash & this.mask) * WAYS * SLOT;
    let s = base;
    if (w[base] >= 0) {
      if (w[base + SLOT] < 0) s = base + SLOT;
      else {
        if (w[base + SLOT + 2] < w[base + 2]) s = base + SLOT;
        this.overwritten++;
        this.held--;
      }
    }
    w[s] = hash;
    w[s + 1] = check;
    w[s + 2] = ts;
    this.held++;
  }
}
