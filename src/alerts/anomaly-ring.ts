import type { Anomaly } from '../model/anomaly.js';

/** A bounded ring of the most recent anomalies, for `/api/anomalies`. */
export class AnomalyRing {
  private readonly slots: Anomaly[] = [];
  /** Index the next push writes to; once full, also the oldest entry. */
  private next = 0;
  private pushed = 0;

  /** @param capacity how many anomalies are kept; older ones are overwritten. */
  constructor(readonly capacity = 1000) {
    if (!Number.isInteger(capacity) || capacity < 1) {
      throw new RangeError(`anomaly ring capacity must be a positive integer, got ${capacity}`);
    }
  }

  /** Number of anomalies currently held (at most `capacity`). */
  get size(): number {
    return this.slots.length;
  }

  /** Number of anomalies ever pushed, including overwritten ones. */
  get total(): number {
    return this.pushed;
  }

  /** Adds `a`, overwriting the oldest anomaly when the ring is full. */
  push(a: Anomaly): void {
    this.slots[this.next] = a;
    this.next = (this.next + 1) % this.capacity;
    this.pushed++;
  }

  /** Up to `limit` most recent anomalies, newest first; a limit that is not positive (or NaN) gives none. */
  recent(limit: number): Anomaly[] {
    const n = limit > 0 ? Math.min(Math.floor(limit), this.slots.length) : 0;
    const out = new Array<Anomaly>(n);
    // While the ring is filling, `next` equals the length, so this walks back from the newest either way.
    for (let i = 0; i < n; i++) {
      out[i] = this.slots[(this.next - 1 - i + this.capacity) % this.capacity];
    }
    return out;
  }
}
