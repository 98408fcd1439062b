import { OldestFirst } from '../util/oldest-first.js';

/**
 * Windows after which a host's baseline stops being a plain mean and becomes
 * an exponential average with this many windows of memory, so it follows the
 * host's recent benign behaviour.
 */
const MEMORY_WINDOWS = 32;

/** One host's running mean of its raw features over its unflagged windows. */
interface Entry {
  /** Windows averaged so far (capped at MEMORY_WINDOWS). */
  n: number;
  /** Mean of each raw feature. */
  mean: Float64Array;
}

/**
 * Each host's own baseline for incident explanations: the mean of every raw
 * feature over the host's recent windows that were not flagged (a plain mean
 * over the first 32, then an exponential average with 32 windows of memory).
 * Bounded: at most `capacity` hosts, the least recently updated evicted first
 * and counted in `evicted`.
 */
export class HostBaselines {
  /** Insertion order is recency: an update moves the host to the end. */
  private readonly byHost = new Map<string, Entry>();
  private readonly oldest = new OldestFirst(this.byHost);
  /** Hosts dropped because the table was full. */
  evicted = 0;

  /**
   * @param capacity most hosts kept
   * @param width raw features per row
   */
  constructor(
    readonly capacity: number,
    private readonly width: number,
  ) {
    if (!Number.isInteger(capacity) || capacity < 1) throw new RangeError(`host baselines capacity must be a positive integer, got ${capacity}`);
  }

  /** Hosts held (at most capacity). */
  get size(): number {
    return this.byHost.size;
  }

  /** Adds the unflagged rows (score ≤ its row's threshold) of one window: hosts[i]'s raw values are raw[i·width …]. */
  observe(hosts: readonly string[], raw: Float64Array, scores: Float64Array, thresholds: Float64Array): void {
    for (let i = 0; i < hosts.length; i++) {
      if (!(scores[i] <= thresholds[i])) continue;
      let e = this.byHost.get(hosts[i]);
      if (e) this.byHost.delete(hosts[i]);
      else if (this.byHost.size >= this.capacity) {
        // The evicted host's entry, emptied, serves the new one: a flood of new hosts allocates no array per host.
        e = this.oldest.take();
        this.evicted++;
        e.n = 0;
        e.mean.fill(0);
      } else e = { n: 0, mean: new Float64Array(this.width) };
      this.byHost.set(hosts[i], e);
      e.n = Math.min(e.n + 1, MEMORY_WINDOWS);
      const at = i * this.width;
      for (let f = 0; f < this.width; f++) e.mean[f] += (raw[at + f] - e.mean[f]) / e.n;
    }
  }

  /** The host's baseline of raw feature f, or undefined when none of its windows went unflagged (or it was evicted). */
  mean(host: string, f: number): number | undefined {
    return this.byHost.get(host)?.mean[f];
  }
}
