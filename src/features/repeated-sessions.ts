import { LruTable } from './lru-table.js';

/** Seconds in which a repeated session's weight decays by a factor e. */
const DECAY_SECONDS = 300;
/** Largest pause (s) between the end of one session and the start of the next that still makes them back to back. */
const BACK_TO_BACK = 3;
/** Largest ratio between a session's size and the service's running size that still counts as the same exchange. */
const SAME_SIZE_RATIO = 1.25;
/** Weight of the newest session in the running log-size of a service. */
const SIZE_SMOOTHING = 0.3;
/** Repeats below this weight are forgotten when reported. */
const MIN_REPORTED = 1;

/**
 * Repeated short sessions per (host, service), kept across windows: a login
 * brute force opens session after session to one service, back to back (or
 * several at once), each carrying the same exchange (banner, a few failed
 * attempts, close), so their sizes repeat. Browsing opens parallel sessions
 * to one service too, but its objects vary in size; a beacon repeats one
 * exchange, but with long pauses between sessions. Each session that starts
 * at most BACK_TO_BACK seconds after the previous one to the service ended,
 * with a size within a factor SAME_SIZE_RATIO of the service's running size,
 * adds 1 to an exponentially decaying count (time constant DECAY_SECONDS).
 * Memory is bounded; the least recently used pair goes.
 */
export class RepeatedSessions {
  private readonly pairs: LruTable;
  private readonly count: Float64Array;
  private readonly at: Float64Array;
  private readonly lastEnd: Float64Array;
  private readonly logSize: Float64Array;

  /** @param capacity pairs remembered; @param keyWidth words per pair key. */
  constructor(capacity: number, keyWidth: number) {
    this.pairs = new LruTable(capacity, keyWidth);
    this.count = new Float64Array(capacity);
    this.at = new Float64Array(capacity);
    this.lastEnd = new Float64Array(capacity);
    this.logSize = new Float64Array(capacity);
  }

  /** Records a session of the pair key[at..) that ran from `first` to `last` (seconds) and carried `bytes` in both directions. */
  ended(key: Uint32Array, at: number, first: number, last: number, bytes: number): void {
    const e = this.pairs.touch(key, at);
    const size = Math.log(Math.max(1, bytes));
    if (this.pairs.inserted) {
      this.count[e] = 0;
      this.at[e] = last;
      this.lastEnd[e] = last;
      this.logSize[e] = size;
      return;
    }
    this.count[e] = this.weight(e, last);
    this.at[e] = Math.max(this.at[e], last);
    if (first - this.lastEnd[e] <= BACK_TO_BACK && Math.abs(size - this.logSize[e]) <= Math.log(SAME_SIZE_RATIO)) this.count[e] += 1;
    this.lastEnd[e] = Math.max(this.lastEnd[e], last);
    this.logSize[e] += SIZE_SMOOTHING * (size - this.logSize[e]);
  }

  /** Calls visit, in no particular order, for every pair whose decayed count at `now` is at least 1; keys[at..] is the pair key. */
  forEachActive(now: number, visit: (keys: Uint32Array, at: number, count: number) => void): void {
    const width = this.pairs.table.width;
    const keys = this.pairs.table.keys;
    const count = this.count;
    // In id order; decay never raises a count, so a count below MIN_REPORTED needs no exp.
    for (let e = 0, n = this.pairs.size; e < n; e++) {
      if (count[e] < MIN_REPORTED) continue;
      const w = this.weight(e, now);
      if (w >= MIN_REPORTED) visit(keys, e * width, w);
    }
  }

  private weight(e: number, now: number): number {
    return this.count[e] * Math.exp(-Math.max(0, now - this.at[e]) / DECAY_SECONDS);
  }
}
