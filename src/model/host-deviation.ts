import type { WindowBatch } from '../features/window-batch.js';
import { minScale } from './explain.js';
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

/** The saved form of HostDeviation: host addresses and their running statistics. */
export interface HostDeviationDoc {
  /** Host addresses, least recently used first. */
  readonly hosts: string[];
  /** Per host: windows learnt, training windows among them, then the mean and the variance of every transformed feature. */
  readonly stats: number[][];
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
 * (the population prior). Bounded: beyond `capacity` hosts the least
 * recently seen is forgotten and counted in `evicted`.
 */
export class HostDeviation implements RowCombiner {
  /** Hosts forgotten because the table was full (a monotonic count). */
  evicted = 0;
  private readonly hosts = new Map<string, Float64Array>();
  /** Smallest scale of each feature (minScale), looked up once. */
  private readonly floor: Float64Array;

  /** @param capacity hosts remembered; @param width features per row. */
  constructor(
    readonly capacity: number,
    private readonly width: number,
  ) {
    this.floor = Float64Array.from({ length: width }, (_, f) => minScale(f));
  }

  /** Hosts with a baseline. */
  get size(): number {
    return this.hosts.size;
  }

  /** The final score of row i of `batch` whose model score is `score`: score × (FLOOR + (1 - FLOOR) × host deviation score). */
  combine(batch: WindowBatch, i: number, score: number): number {
    const s = this.hosts.get(batch.hosts[i]);
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

  /** Adds row i of `batch` (a training row, or a scored one not flagged) to its host's baseline. */
  learn(batch: WindowBatch, i: number, training: boolean): void {
    const host = batch.hosts[i];
    const w = this.width;
    let s = this.hosts.get(host);
    if (s === undefined) {
      if (this.hosts.size >= this.capacity) {
        this.hosts.delete(this.hosts.keys().next().value as string);
        this.evicted++;
      }
      s = new Float64Array(2 + 2 * w);
    } else {
      this.hosts.delete(host);
    }
    // Re-inserting keeps the Map in least-recently-seen-first order.
    this.hosts.set(host, s);
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

  /** The baselines as plain data. */
  toDoc(): HostDeviationDoc {
    return { hosts: [...this.hosts.keys()], stats: [...this.hosts.values()].map((s) => Array.from(s)) };
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
      if (k >= doc.hosts.length - this.capacity) this.hosts.set(host, Float64Array.from(s));
    });
  }
}
