/** Words per slot: the key's hash + 1 (0 marks an empty slot, so a new filter needs no fill pass), the time of its first sighting. */
const SLOT = 2;
/** Slots per set (a set is 32 bytes, within one cache line when the array is so aligned). */
const WAYS = 2;

/** First sightings each admission filter remembers unless told otherwise (`--hosts.doorkeeper`). */
export const DEFAULT_DOORKEEPER_SLOTS = 65_536;

/**
 * An admission filter in front of a cross-window table (TinyLFU's
 * doorkeeper): it remembers the first sighting of a key (its 32-bit hash,
 * WordTable's, which the caller computes once for both, and the time) in a
 * 2-way set, so the key enters its table only when seen again, seeded with
 * the first sighting's time. A key seen once (a spoofed source's) costs one
 * set and never reaches the table. A full set drops its older sighting
 * (`overwritten`); that key, seen again, is then held again. Keys are told
 * apart by their whole hash: a probe mistakes another key's sighting for its
 * own about once in 2^31 probes of a full set.
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

  /** @param capacity first sightings remembered (rounded up to a power of two, at least 2). */
  constructor(capacity: number) {
    let sets = 1;
    while (sets * WAYS < capacity) sets *= 2;
    this.mask = sets - 1;
    this.slots = new Float64Array(sets * WAYS * SLOT);
  }

  /** Slots of the filter (first sightings it can hold). */
  get capacity(): number {
    return this.slots.length / SLOT;
  }

  /** Reads hash h's set (1 when its first slot is taken, else 0: a small integer, so no number is boxed), so that an `admit`, `take` or `first` of h soon after finds its cache line on its way. */
  warm(h: number): number {
    return this.slots[(h & this.mask) * WAYS * SLOT] === 0 ? 0 : 1;
  }

  /** Time of the held first sighting of the key of hash `h`, or NaN when none is held. */
  first(h: number): number {
    const s = this.probe(h);
    return s < 0 ? NaN : this.slots[s + 1];
  }

  /** Forgets the held first sighting of the key of hash `h` and returns its time (the key is admitted), or NaN when none is held. */
  take(h: number): number {
    const s = this.probe(h);
    if (s < 0) return NaN;
    this.slots[s] = 0;
    this.held--;
    return this.slots[s + 1];
  }

  /**
   * The time of the held first sighting of the key of hash `h`, forgotten
   * (the caller admits the key to its table); or NaN after holding this
   * sighting, at `ts`, as the key's first.
   */
  admit(h: number, ts: number): number {
    const first = this.take(h);
    if (!Number.isNaN(first)) return first;
    this.heldBack++;
    this.place(h, ts);
    return NaN;
  }

  /** The hashes of the held first sightings, for a saved history. */
  toDoc(): number[] {
    const out: number[] = [];
    for (let s = 0; s < this.slots.length; s += SLOT) if (this.slots[s] !== 0) out.push(this.slots[s] - 1);
    return out;
  }

  /** Holds the hashes of a toDoc, each as a first sighting at `ts`. */
  restore(hashes: readonly number[], ts: number): void {
    for (const h of hashes) this.place(h, ts);
  }

  /** Word offset of the slot holding hash h, or -1. */
  private probe(h: number): number {
    const base = (h & this.mask) * WAYS * SLOT;
    const w = this.slots;
    const tag = h + 1;
    // One offset for the second way's test and result: an add only a hit there reached would deoptimise the callers.
    const second = base + SLOT;
    if (w[base] === tag) return base;
    if (w[second] === tag) return second;
    return -1;
  }

  /** Holds a first sighting of hash h at `ts` in its set: in an empty slot, else in place of the older one (counted overwritten). */
  private place(h: number, ts: number): void {
    const w = this.slots;
    const base = (h & this.mask) * WAYS * SLOT;
    let s = base;
    if (w[base] !== 0) {
      if (w[base + SLOT] === 0) s = base + SLOT;
      else {
        if (w[base + SLOT + 1] < w[base + 1]) s = base + SLOT;
        this.overwritten++;
        this.held--;
      }
    }
    w[s] = h + 1;
    w[s + 1] = ts;
    this.held++;
  }
}
