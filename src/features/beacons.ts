import { Episodes } from './episodes.js';
import { LruTable } from './lru-table.js';

/** Episode starts kept per service (the inter-arrival statistics rest on the gaps between them). */
const HISTORY = 16;
/** Episodes before a service's timing is judged: three gaps (the count factor keeps all but near-perfect timing under 0.5 until the sixth). */
const MIN_EPISODES = 4;
/** Flow starts closer than this (s) to the previous one belong to the same episode. */
const EPISODE_GAP = 2;
/**
 * MAD/median of the gaps at which the dispersion score reaches 0: jitter of
 * ±20% gives about 0.1 (score 0.8), exponential gaps (independent
 * requests, think times) about 0.6 (score 0).
 */
const MAX_MADM = 0.5;
/**
 * Episodes at which the connection-count factor reaches 1: six check-ins, so
 * a beacon of several minutes' period (±20 % jitter) scores within half an
 * hour; independent contact (exponential gaps) looks as regular over five
 * gaps about once in sixty services, and the novelty, rarity and schedule
 * weights keep such chance regularity of shared or settled services low.
 */
const FULL_COUNT = 6;
/** Longest median gap (s) judged: the slowest beacon period (ten minutes, the time a host's first services count as its history) with 20 % jitter. */
const MAX_PERIOD = 720;
/** A service stays alive for this many median gaps after its latest episode. */
const ALIVE_GAPS = 1.5;
/** Sizes of short sessions kept per service. */
const SIZE_HISTORY = 8;
/** Sizes before the size regularity counts. */
const MIN_SIZES = 4;
/** MAD/median of the session sizes at which the size dispersion score reaches 0. */
const MAX_SIZE_MADM = 0.5;
/** Share of the timing score that irregular session sizes can take away. */
const SIZE_WEIGHT = 0.5;

/**
 * Beacon timing per (host, destination, protocol/port) service across
 * windows, after RITA: the inter-arrival times of its connection episodes
 * are scored for dispersion (1 - MAD/median / MAX_MADM) times symmetry
 * (1 - |Bowley skew| / 2), and the score grows with the number of episodes
 * up to FULL_COUNT; a median gap over MAX_PERIOD scores 0. Jittered beacons keep a high score; bursty or random
 * contact (browsing, independent requests) scores low. Data size as RITA
 * does: a beacon repeats one exchange, so the bytes of the service's short
 * sessions (the last SIZE_HISTORY) are scored for dispersion
 * (1 - MAD/median / MAX_SIZE_MADM; their skew is left out, as it is
 * scale-free and so as large for a few bytes of noise), and irregular sizes take
 * up to SIZE_WEIGHT of the timing score; a service with fewer than
 * MIN_SIZES short sessions (UDP, long sessions) keeps its timing score.
 * Memory is bounded: the least recently used service is evicted when the table is full.
 */
export class Beacons {
  private readonly services: LruTable;
  private readonly episodes: Episodes;
  private readonly score: Float64Array;
  private readonly median: Float64Array;
  /** Short-session sizes per service, a ring of SIZE_HISTORY; sizeCount counts them all. */
  private readonly sizes: Float64Array;
  private readonly sizeCount: Uint32Array;
  /** Factor in [1 - SIZE_WEIGHT, 1] the sizes apply to the timing score. */
  private readonly sizeFactor: Float64Array;
  private readonly gaps = new Float64Array(HISTORY);
  private readonly dev = new Float64Array(HISTORY);
  private readonly sizeScratch = new Float64Array(SIZE_HISTORY);

  /** @param capacity services remembered; @param keyWidth words per service key. */
  constructor(capacity: number, keyWidth: number) {
    this.services = new LruTable(capacity, keyWidth);
    this.episodes = new Episodes(capacity, HISTORY, EPISODE_GAP);
    this.score = new Float64Array(capacity);
    this.median = new Float64Array(capacity);
    this.sizes = new Float64Array(capacity * SIZE_HISTORY);
    this.sizeCount = new Uint32Array(capacity);
    this.sizeFactor = new Float64Array(capacity);
  }

  /** Service keys by entry id, as forEachAlive's visits index them. */
  get keys(): Uint32Array {
    return this.services.table.keys;
  }

  /** True when the table holds key[0..keyWidth), of hash h (hashWords). */
  has(key: Uint32Array, h: number): boolean {
    return this.services.table.find(key, 0, h) >= 0;
  }

  /** Records a flow start of the service key[at..at+keyWidth) at `ts`; true when it starts an episode of the service (always for a service new to the table). */
  observe(key: Uint32Array, ts: number, at = 0): boolean {
    const e = this.services.touch(key, at);
    if (this.services.inserted) {
      this.episodes.reset(e);
      this.score[e] = 0;
      this.sizeCount[e] = 0;
      this.sizeFactor[e] = 1;
    }
    if (!this.episodes.start(e, ts)) return false;
    this.judge(e);
    return true;
  }

  /** Records the bytes (both directions) of a short session of the service key[at..at+keyWidth), if the service is known. */
  sized(key: Uint32Array, bytes: number, at = 0): void {
    const e = this.services.table.find(key, at);
    if (e < 0) return;
    const n = this.sizeCount[e]++;
    this.sizes[e * SIZE_HISTORY + (n % SIZE_HISTORY)] = bytes;
    const m = Math.min(n + 1, SIZE_HISTORY);
    if (m < MIN_SIZES) return;
    const sorted = this.sizeScratch.subarray(0, m);
    sorted.set(this.sizes.subarray(e * SIZE_HISTORY, e * SIZE_HISTORY + m));
    sorted.sort();
    this.sizeFactor[e] = 1 - SIZE_WEIGHT * (1 - this.dispersion(sorted, MAX_SIZE_MADM));
  }

  /**
   * Calls visit for every service with a timing score above 0 whose last
   * episode is at most ALIVE_GAPS median gaps before `now`, so a beacon counts in
   * the windows between its check-ins and stops counting once it stops.
   * Only services with a flow start in the last ALIVE_GAPS × MAX_PERIOD
   * seconds can be alive, and they are the most recently used, so the walk
   * stops at the first older one instead of visiting the whole table.
   * `period` is the service's median gap (s).
   */
  forEachAlive(now: number, visit: (keys: Uint32Array, at: number, score: number, period: number) => void): void {
    const width = this.services.table.width;
    const keys = this.services.table.keys;
    const oldest = now - ALIVE_GAPS * MAX_PERIOD;
    this.services.visitRecent((e) => {
      if (this.episodes.lastFlow(e) < oldest) return false;
      if (this.score[e] > 0 && now - this.episodes.last(e) <= ALIVE_GAPS * this.median[e]) visit(keys, e * width, this.score[e] * this.sizeFactor[e], this.median[e]);
      return true;
    });
  }

  /** Timing score of entry e from its episode gaps: dispersion times symmetry times the count factor. */
  private judge(e: number): void {
    const n = this.episodes.counts[e];
    if (n < MIN_EPISODES) return;
    const times = this.episodes.times;
    const base = e * HISTORY;
    const m = n - 1;
    const gaps = this.gaps.subarray(0, m);
    for (let i = 0; i < m; i++) gaps[i] = times[base + i + 1] - times[base + i];
    gaps.sort();
    const median = quantile(gaps, 0.5);
    this.median[e] = median;
    this.score[e] = median <= MAX_PERIOD ? this.regularity(gaps) * Math.min(1, n / FULL_COUNT) : 0;
  }

  /** Regularity in [0, 1] of sorted gaps: their dispersion score times symmetry, 1 - |Bowley skew| / 2. */
  private regularity(sorted: Float64Array): number {
    const q1 = quantile(sorted, 0.25);
    const q2 = quantile(sorted, 0.5);
    const q3 = quantile(sorted, 0.75);
    const skew = q3 - q1 > 0 ? (q3 + q1 - 2 * q2) / (q3 - q1) : 0;
    return this.dispersion(sorted, MAX_MADM) * (1 - Math.abs(skew) / 2);
  }

  /** Dispersion score in [0, 1] of sorted positive values: 1 - MAD/median / maxMadm, at least 0 (0 for a median of 0). */
  private dispersion(sorted: Float64Array, maxMadm: number): number {
    const median = quantile(sorted, 0.5);
    if (!(median > 0)) return 0;
    const dev = this.dev.subarray(0, sorted.length);
    for (let i = 0; i < sorted.length; i++) dev[i] = Math.abs(sorted[i] - median);
    dev.sort();
    return Math.max(0, 1 - quantile(dev, 0.5) / (maxMadm * median));
  }
}

/** Linear-interpolated quantile q of sorted values. */
function quantile(sorted: Float64Array, q: number): number {
  const x = q * (sorted.length - 1);
  const i = Math.floor(x);
  const j = Math.min(sorted.length - 1, i + 1);
  return sorted[i] + (x - i) * (sorted[j] - sorted[i]);
}
