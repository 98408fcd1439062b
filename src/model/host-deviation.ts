import type { WindowBatch } from '../features/window-batch.js';
import { minScale } from './explain.js';
import type { ThresholdOptions } from './threshold.js';
import { alertThreshold } from './threshold.js';
import { OldestFirst } from '../util/oldest-first.js';
import type { RowCombiner } from './types.js';

/** Training windows (a baseline declared benign) a host needs before its deviation counts; until then the model's score stands alone. */
export const HOST_WARMUP_WINDOWS = 6;
/**
 * Windows of any kind that do the same: rows learnt while scoring were only
 * not flagged, and an attack that starts with its host (a brute force from
 * a host never seen) must not become that host's habit within minutes.
 */
export const HOST_WARMUP_SCORED_WINDOWS = 60;
/** Largest effective number of windows in a host's running mean and variance (the EWMA's memory). */
const MEMORY_WINDOWS = 60;
/** Deviation (robust z) at which the host score is 1 - e^-1/2. */
const Z0 = 2;
/** Deviations beyond this many scales are clipped when learnt. */
const CLIP = 3;
/** Share of the model's score kept for a row that is exactly what its host always does. */
const FLOOR = 0.5;
/** Most recent scores of unflagged windows kept per host for its own threshold. */
export const HOST_SCORE_HISTORY = 128;
/**
 * Scores a host needs before it has a threshold of its own: the tail fit
 * extrapolates from the 90th and 99th percentiles, and below 100 scores the
 * 99th is no longer an order statistic of its own.
 */
export const HOST_THRESHOLD_MIN_SCORES = 100;
/** Decimals of a saved score: a full table (10,000 hosts × 128 scores) stays under 10 MB of JSON, and thresholds move by less than 1e-4. */
const SAVED_DIGITS = 4;
/** New scores after which a host's own threshold is derived again (a sort of HOST_SCORE_HISTORY scores). */
const REFIT_EVERY = 16;

/** One host's entry: running statistics, recent scores and the threshold derived from them. */
class HostEntry {
  /** Windows learnt, training windows among them, then the mean and the variance of every transformed feature. */
  readonly stats: Float64Array;
  /** Ring of the last HOST_SCORE_HISTORY scores of its unflagged windows. */
  readonly scores = new Float32Array(HOST_SCORE_HISTORY);
  /** Scores offered so far (the ring holds the last min(scored, HOST_SCORE_HISTORY)). */
  scored: number;
  /** Its own threshold (-Infinity until HOST_THRESHOLD_MIN_SCORES scores). */
  threshold: number;

  constructor(stats: Float64Array) {
    this.stats = stats;
    // Assigned here rather than where declared, so that V8 tracks them as mutable from the start: the first
    // refit would otherwise discard the optimised code that read them (the detector's process and threshold).
    this.scored = 0;
    this.threshold = -Infinity;
  }

  /** Empties the entry, as a new one of its width is, and returns it. */
  reset(): HostEntry {
    this.stats.fill(0);
    this.scores.fill(0);
    this.scored = 0;
    this.threshold = -Infinity;
    return this;
  }
}

/** The saved form of HostDeviation: host addresses and their running statistics. */
export interface HostDeviationDoc {
  /** Host addresses, least recently used first. */
  readonly hosts: string[];
  /** Per host: windows learnt, training windows among them, then the mean and the variance of every transformed feature. */
  readonly stats: number[][];
  /** Per host: the scores of its last unflagged windows, oldest first (absent in models saved before per-host thresholds). */
  readonly scores?: number[][];
}

/**
 * Per-host baselines: for each host, an EWMA mean and variance of every
 * transformed feature over its training windows and its unflagged scored
 * windows, after a warm-up (HOST_WARMUP_WINDOWS of training, or
 * HOST_WARMUP_SCORED_WINDOWS in all). A row's
 * deviation is its largest robust z against its own host's mean, the scale
 * never tighter than the population's (the model baseline's), so a host is
 * judged against its own habits without becoming more sensitive than the
 * population. The model's score is combined by scaling it between FLOOR
 * (the host does what it always does) and 1 (far from its own history);
 * a host still warming up, or never seen, is judged by the model alone
 * (the population prior). Per-host thresholds: once a host has
 * HOST_THRESHOLD_MIN_SCORES scores of unflagged windows, its threshold is
 * the tail fit of alertThreshold over its last HOST_SCORE_HISTORY scores,
 * at the same false-alarm rate as the global one, and never below the
 * global threshold: a host whose benign scores have a long tail (a mail
 * relay, a backup server) gets its own, higher one. Bounded: beyond
 * `capacity` hosts the least recently seen is forgotten, statistics and
 * scores together, and counted in `evicted`.
 */
export class HostDeviation implements RowCombiner {
  /** Hosts forgotten because the table was full (a monotonic count). */
  evicted = 0;
  private readonly hosts = new Map<string, HostEntry>();
  private readonly oldest = new OldestFirst(this.hosts);
  /** Smallest scale of each feature (minScale), looked up once. */
  private readonly floor: Float64Array;

  /** @param capacity hosts remembered; @param width features per row; @param tail how a host's own threshold is fitted (as the global one). */
  constructor(
    readonly capacity: number,
    private readonly width: number,
    private readonly tail: ThresholdOptions = {},
  ) {
    if (!Number.isInteger(capacity) || capacity < 1) throw new RangeError(`host deviation capacity must be a positive integer, got ${capacity}`);
    this.floor = Float64Array.from({ length: width }, (_, f) => minScale(f));
  }

  /** Hosts with a baseline. */
  get size(): number {
    return this.hosts.size;
  }

  /** The final score of row i of `batch` whose model score is `score`: score × (FLOOR + (1 - FLOOR) × host deviation score). */
  combine(batch: WindowBatch, i: number, score: number): number {
    const s = this.hosts.get(batch.hosts[i])?.stats;
    if (s === undefined || (s[1] < HOST_WARMUP_WINDOWS && s[0] < HOST_WARMUP_SCORED_WINDOWS)) return score;
    const w = this.width;
    const floor = this.floor;
    let z = 0;
    for (let f = 0; f < w; f++) {
      const sd = Math.max(Math.sqrt(s[2 + w + f]), floor[f]);
      z = Math.max(z, Math.abs(batch.vectors[i * w + f] - s[2 + f]) / sd);
    }
    const host = 1 - Math.exp(-0.5 * (z / Z0) ** 2);
    return score * (FLOOR + (1 - FLOOR) * host);
  }

  /** The threshold of `host`: its own where it has one above `global`, else `global`. */
  threshold(host: string, global: number): number {
    return Math.max(this.hosts.get(host)?.threshold ?? -Infinity, global);
  }

  /** Adds row i of `batch` (a training row, or a scored one not flagged, with its final `score`) to its host's baseline. */
  learn(batch: WindowBatch, i: number, training: boolean, score?: number): void {
    const host = batch.hosts[i];
    const w = this.width;
    let e = this.hosts.get(host);
    if (e === undefined) {
      if (this.hosts.size >= this.capacity) {
        // The forgotten host's entry, emptied, serves the new one: a flood of new hosts allocates no arrays per host.
        e = this.oldest.take().reset();
        this.evicted++;
      } else e = new HostEntry(new Float64Array(2 + 2 * w));
    } else {
      this.hosts.delete(host);
    }
    // Re-inserting keeps the Map in least-recently-seen-first order.
    this.hosts.set(host, e);
    if (score !== undefined) this.addScore(e, score);
    const s = e.stats;
    const n = Math.min(MEMORY_WINDOWS, s[0] + 1);
    const a = 1 / n;
    const floor = this.floor;
    const vectors = batch.vectors;
    for (let f = 0; f < w; f++) {
      // Winsorized: one unusual window moves the mean and variance at most as far as one CLIP scales off would.
      const sd = s[0] === 0 ? Infinity : Math.max(Math.sqrt(s[2 + w + f]), floor[f]);
      const d = Math.max(-CLIP * sd, Math.min(CLIP * sd, vectors[i * w + f] - s[2 + f]));
      s[2 + f] += a * d;
      s[2 + w + f] = (1 - a) * (s[2 + w + f] + a * d * d);
    }
    s[0] += 1;
    if (training) s[1] += 1;
  }

  /** Adds a score to the host's ring and derives its threshold again every REFIT_EVERY scores once it has enough. */
  private addScore(e: HostEntry, score: number): void {
    e.scores[e.scored % HOST_SCORE_HISTORY] = score;
    e.scored++;
    if (e.scored >= HOST_THRESHOLD_MIN_SCORES && (e.scored - HOST_THRESHOLD_MIN_SCORES) % REFIT_EVERY === 0) this.refit(e);
  }

  /** Derives the host's own threshold from the scores in its ring. */
  private refit(e: HostEntry): void {
    e.threshold = alertThreshold(Float64Array.from(e.scores.subarray(0, Math.min(e.scored, HOST_SCORE_HISTORY))), this.tail);
  }

  /** The scores in a host's ring, oldest first, to SAVED_DIGITS decimals. */
  private static recent(e: HostEntry): number[] {
    const n = Math.min(e.scored, HOST_SCORE_HISTORY);
    const start = e.scored - n;
    return Array.from({ length: n }, (_, k) => Math.round(e.scores[(start + k) % HOST_SCORE_HISTORY] * 10 ** SAVED_DIGITS) / 10 ** SAVED_DIGITS);
  }

  /** The baselines as plain data. */
  toDoc(): HostDeviationDoc {
    const entries = [...this.hosts.values()];
    return { hosts: [...this.hosts.keys()], stats: entries.map((e) => Array.from(e.stats)), scores: entries.map(HostDeviation.recent) };
  }

  /** Loads saved baselines; throws a RangeError naming what is malformed. */
  restore(saved: unknown): void {
    const doc = saved as HostDeviationDoc;
    const w = 2 + 2 * this.width;
    if (!Array.isArray(doc?.hosts) || !Array.isArray(doc.stats) || doc.hosts.length !== doc.stats.length) throw new RangeError('host baselines are not a list of hosts with statistics');
    // The most recently seen hosts are last; a smaller table keeps those.
    doc.hosts.forEach((host, k) => {
      const s = doc.stats[k];
      if (typeof host !== 'string' || !Array.isArray(s) || s.length !== w || !s.every(Number.isFinite)) throw new RangeError(`host baseline ${k} is not a host with ${w} finite numbers`);
      const scores = doc.scores?.[k] ?? [];
      if (!Array.isArray(scores) || !scores.every(Number.isFinite)) throw new RangeError(`host baseline ${k} has scores that are not finite numbers`);
      if (k < doc.hosts.length - this.capacity) return;
      const e = new HostEntry(Float64Array.from(s));
      for (const x of scores.slice(-HOST_SCORE_HISTORY)) e.scores[e.scored++] = x;
      if (e.scored >= HOST_THRESHOLD_MIN_SCORES) this.refit(e);
      this.hosts.set(host, e);
    });
  }
}
