/**
 * Per-entry rings of connection episode start times, `history` per entry:
 * flow starts closer than `gap` seconds to the previous start belong to the
 * same episode (a page load, a retry, a scan burst), so only the first
 * starts one. The owner indexes entries by its table's entry ids.
 */
export class Episodes {
  /** Episode start times, `history` per entry, oldest first. */
  readonly times: Float64Array;
  /** Episode starts kept per entry (at most `history`). */
  readonly counts: Uint8Array;
  private readonly lastStart: Float64Array;
  /** Start time of each entry's latest episode (times' last kept value), in one dense array: the per-window walks read it for every entry. */
  private readonly latest: Float64Array;

  /** @param capacity entries; @param history episode starts kept per entry; @param gap seconds of silence that separate two episodes. */
  constructor(
    capacity: number,
    readonly history: number,
    private readonly gap: number,
  ) {
    this.times = new Float64Array(capacity * history);
    this.counts = new Uint8Array(capacity);
    this.lastStart = new Float64Array(capacity);
    this.latest = new Float64Array(capacity);
  }

  /** Forgets entry e (a new key took its id). */
  reset(e: number): void {
    this.counts[e] = 0;
    this.lastStart[e] = -Infinity;
  }

  /** Records a flow start of entry e at `ts`; true when it starts a new episode (the oldest is dropped from a full ring). */
  start(e: number, ts: number): boolean {
    const gapped = ts - this.lastStart[e] >= this.gap;
    this.lastStart[e] = ts;
    if (!gapped) return false;
    const h = this.history;
    const base = e * h;
    const n = this.counts[e];
    if (n === h) this.times.copyWithin(base, base + 1, base + n);
    this.times[base + Math.min(n, h - 1)] = ts;
    this.latest[e] = ts;
    if (n < h) this.counts[e] = n + 1;
    return true;
  }

  /** Time of entry e's latest flow start (the end of its latest episode so far). */
  lastFlow(e: number): number {
    return this.lastStart[e];
  }

  /** Start time of entry e's latest episode (meaningless while it has none). */
  last(e: number): number {
    return this.latest[e];
  }
}
