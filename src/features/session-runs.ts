import { LruTable } from './lru-table.js';

/** Seconds in which a run's count decays by a factor e: a slow login brute force spreads its attempts over minutes. */
export const RUNS_DECAY_SECONDS = 300;
/** Largest ratio between a session's size and the pair's running size that still counts as the same exchange (a login's failures repeat to a few bytes). */
const SAME_SIZE_RATIO = 1.1;
/** Factor applied to a run's count by a session of another size: a beacon's or a browser's sessions vary, a login script's do not. */
const OTHER_SIZE_FACTOR = 0.5;
/** Weight of the newest session in the running log-size and the running log-gap of a pair. */
const SMOOTHING = 0.3;
/** Runs below this count are not reported. */
const MIN_REPORTED = 1;
/** A run stays alive for this many periods after its latest session ended, plus REPORT_LAG; then it is over, whatever its count. */
const ALIVE_PERIODS = 2;
/** Seconds by which a session's end is heard late: its flow ends an idle timeout after its last packet (`--flow.timeout.tcp-closed`, 5 s by default). */
const REPORT_LAG = 10;

/**
 * Runs of the same short session per (host, service), over minutes: a login
 * brute force, however slow, opens session after session to one service and
 * each carries the same exchange (set-up, a few failed attempts, close), so
 * their sizes repeat. Every session within a factor SAME_SIZE_RATIO of the
 * pair's running size adds 1 to a count decaying with time constant
 * RUNS_DECAY_SECONDS, whatever the pause before it (a patient script
 * waits seconds between attempts, a fast one none); a session of another
 * size halves it. The pair's period is a running geometric mean of the gaps
 * between session starts, and its sessions' duration a running mean:
 * a login attempt holds its session while the server checks the password
 * and delays the failure, where a poll, a push or a banner check is over in
 * a round trip or two. Which runs matter (a service fresh to its host,
 * rare, sessions held for a good share of the period) is for the caller to
 * judge: a run alone is what monitoring, CI runners and metrics pushes do
 * too. Memory is bounded; the least recently used pair goes.
 */
export class SessionRuns {
  private readonly pairs: LruTable;
  private readonly count: Float64Array;
  private readonly at: Float64Array;
  private readonly lastStart: Float64Array;
  private readonly logSize: Float64Array;
  private readonly logGap: Float64Array;
  private readonly held: Float64Array;

  /** @param capacity pairs remembered; @param keyWidth words per pair key. */
  constructor(capacity: number, keyWidth: number) {
    this.pairs = new LruTable(capacity, keyWidth);
    this.count = new Float64Array(capacity);
    this.at = new Float64Array(capacity);
    this.lastStart = new Float64Array(capacity);
    this.logSize = new Float64Array(capacity);
    this.logGap = new Float64Array(capacity);
    this.held = new Float64Array(capacity);
  }

  /** Records a session of the pair key[0..) that ran from `first` to `last` (seconds) and carried `bytes` in both directions. */
  ended(key: Uint32Array, first: number, last: number, bytes: number): void {
    const e = this.pairs.touch(key, 0);
    const size = Math.log(Math.max(1, bytes));
    if (this.pairs.inserted) {
      this.count[e] = 1;
      this.at[e] = last;
      this.lastStart[e] = first;
      this.logSize[e] = size;
      this.logGap[e] = NaN;
      this.held[e] = last - first;
      return;
    }
    this.count[e] = this.weight(e, last);
    this.at[e] = Math.max(this.at[e], last);
    if (Math.abs(size - this.logSize[e]) <= Math.log(SAME_SIZE_RATIO)) this.count[e] += 1;
    else this.count[e] *= OTHER_SIZE_FACTOR;
    this.logSize[e] += SMOOTHING * (size - this.logSize[e]);
    this.held[e] += SMOOTHING * (last - first - this.held[e]);
    // Sessions end out of start order when they overlap; the gap of such a pair is 0.
    const gap = Math.log(Math.max(1e-3, first - this.lastStart[e]));
    this.logGap[e] = Number.isNaN(this.logGap[e]) ? gap : this.logGap[e] + SMOOTHING * (gap - this.logGap[e]);
    this.lastStart[e] = Math.max(this.lastStart[e], first);
  }

  /**
   * Calls visit, in no particular order, for every pair whose decayed count at `now` is at least
   * MIN_REPORTED and whose latest session ended at most ALIVE_PERIODS
   * periods and REPORT_LAG before `now` (a run that stopped is over), with that count, its period (seconds, NaN after one
   * session) and the share of it its sessions last (their running mean
   * duration over the period, NaN after one session); keys[at..] is the
   * pair key.
   */
  forEachActive(now: number, visit: (keys: Uint32Array, at: number, count: number, period: number, duty: number) => void): void {
    const width = this.pairs.table.width;
    const keys = this.pairs.table.keys;
    const { count, at, logGap, held } = this;
    // The whole table is walked every window, in id order (LruTable.size); decay never raises a count, so a count
    // below MIN_REPORTED needs no exp.
    for (let e = 0, n = this.pairs.size; e < n; e++) {
      if (count[e] < MIN_REPORTED) continue;
      const w = this.weight(e, now);
      if (w < MIN_REPORTED) continue;
      const period = Math.exp(logGap[e]);
      if (now - at[e] <= ALIVE_PERIODS * period + REPORT_LAG) visit(keys, e * width, w, period, held[e] / period);
    }
  }

  private weight(e: number, now: number): number {
    return this.count[e] * Math.exp(-Math.max(0, now - this.at[e]) / RUNS_DECAY_SECONDS);
  }
}
