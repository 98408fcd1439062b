import { Episodes } from './episodes.js';
import { LruTable } from './lru-table.js';

/** Episode starts kept per service (the inter-arrival statistics rest on the gaps between them). */
const HISTORY = 16;
/** Episodes before a service's timing is judged: three gaps (at a count factor of 4/5 only timing regular to 0.625 or more reaches 0.5 before the fifth). */
const MIN_EPISODES = 4;
/** Episodes from which a service's period (median gap) is known: two gaps. */
const PERIOD_EPISODES = 3;
/** Regularity of its gaps (the count factor aside) from which a service keeps a schedule: its gaps' spread is at most half of MAX_MADM. */
const SCHEDULE_REGULARITY = 0.5;
/** Flow starts closer than this (s) to the previous one belong to the same episode. */
const EPISODE_GAP = 2;
/**
 * MAD/median of the gaps at which the dispersion score reaches 0: jitter of
 * ±20% gives about 0.1 (score 0.8), exponential gaps (independent
 * requests, think times) about 0.6 (score 0).
 */
const MAX_MADM = 0.5;
/**
 * Episodes at which the connection-count factor reaches 1: five check-ins, so
 * a beacon of several minutes' period (±20 % jitter) scores within half an
 * hour, most from the fourth; independent contact (exponential gaps) can look
 * as regular over so few gaps (docs/detection.md, "Judged from the fifth
 * episode's count"), and the novelty, rarity and schedule weights keep such
 * chance regularity of shared or settled services low.
 */
const FULL_COUNT = 5;
/**
 * Shortest stretch (s) from a service's first to its latest known episode over
 * which its timing is judged: a few sessions seconds apart are a burst (the
 * first logins of a password guesser, a page's requests), not yet a schedule.
 */
const MIN_SPAN = 15;
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
 * Share of the timing score the Bowley skew of the gaps can take away at
 * |skew| = 1. Over the few gaps a slow beacon offers, the skew is mostly
 * sampling noise (under ±20 % jitter its mean |skew| is 0.5 over three or
 * five gaps and 0.3 over eight, while the skew of exponential gaps is 0.26),
 * so it weighs a quarter rather than half; RITA averages it with the other
 * scores instead of multiplying them.
 */
const SKEW_WEIGHT = 0.25;

/**
 * Beacon timing per (host, destination, protocol/port) service across
 * windows, after RITA: the inter-arrival times of its connection episodes
 * are scored for dispersion (1 - spread/median / MAX_MADM, the spread the
 * larger of their MAD and half their interquartile range) times symmetry
 * (1 - SKEW_WEIGHT × |Bowley skew|), and the score grows with the number
 * of episodes up to FULL_COUNT; a median gap over MAX_PERIOD scores 0.
 * Jittered beacons keep a high score; bursty or random
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
  /** 1 for a service whose known gaps are regular (SCHEDULE_REGULARITY), whether or not it is judged yet. */
  private readonly periodic: Uint8Array;
  /** 1 for a service its owner called new when it entered the table (observe's `novel`). */
  private readonly novel: Uint8Array;
  /** Short-session sizes per service, a ring of SIZE_HISTORY; sizeCount counts them all. */
  private readonly sizes: Float64Array;
  private readonly sizeCount: Uint32Array;
  /** Factor in [1 - SIZE_WEIGHT, 1] the sizes apply to the timing score. */
  private readonly sizeFactor: Float64Array;
  /** The caller's hash of each service's key prefix (window-closer: its host key's, as the window's host table takes it), so a visit needs not hash it. */
  private readonly groups: Uint32Array;
  private readonly gaps = new Float64Array(HISTORY);
  private readonly dev = new Float64Array(HISTORY);
  private readonly sizeScratch = new Float64Array(SIZE_HISTORY);

  /** @param capacity services remembered; @param keyWidth words per service key. */
  constructor(capacity: number, keyWidth: number) {
    this.services = new LruTable(capacity, keyWidth);
    this.episodes = new Episodes(capacity, HISTORY, EPISODE_GAP);
    this.score = new Float64Array(capacity);
    this.median = new Float64Array(capacity);
    this.periodic = new Uint8Array(capacity);
    this.novel = new Uint8Array(capacity);
    this.sizes = new Float64Array(capacity * SIZE_HISTORY);
    this.sizeCount = new Uint32Array(capacity);
    this.sizeFactor = new Float64Array(capacity);
    this.groups = new Uint32Array(capacity);
  }

  /** Service keys by entry id, as forEachRecent's visits index them. */
  get keys(): Uint32Array {
    return this.services.table.keys;
  }

  /** Reads the home bucket of the service of hash h, so that a `has` of it soon after finds the line on its way (WordTable.warm). */
  warm(h: number): number {
    return this.services.table.warm(h);
  }

  /** True when the table holds key[0..keyWidth), of hash h (hashWords). */
  has(key: Uint32Array, h: number): boolean {
    return this.services.table.find(key, 0, h) >= 0;
  }

  /**
   * Records a flow start of the service key[at..at+keyWidth) at `ts`; true
   * when it starts an episode of the service (always for a service new to
   * the table). `novel` is kept for a service entering the table (see
   * forEachRecent) and ignored for one already in it; `group` is kept as
   * the service's group hash.
   */
  observe(key: Uint32Array, ts: number, at = 0, novel = false, group = 0): boolean {
    const e = this.services.touch(key, at);
    if (this.services.inserted) {
      this.groups[e] = group;
      this.novel[e] = novel ? 1 : 0;
      this.episodes.reset(e);
      this.score[e] = 0;
      this.median[e] = 0;
      this.periodic[e] = 0;
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
    const sorted = this.sizeScratch;
    const sizes = this.sizes;
    for (let i = 0; i < m; i++) sorted[i] = sizes[e * SIZE_HISTORY + i];
    sortPrefix(sorted, m);
    this.sizeFactor[e] = 1 - SIZE_WEIGHT * (1 - this.dispersion(sorted, m, MAX_SIZE_MADM));
  }

  /**
   * Calls visit for every service with a flow start in the last
   * ALIVE_GAPS × MAX_PERIOD seconds before `now` (the only ones that can be
   * alive; they are the most recently used, so the walk stops at the first
   * older one instead of visiting the whole table) that is alive, or novel
   * (observe's flag) with a period not known yet (fewer than
   * PERIOD_EPISODES episodes: a slow beacon's first check-ins). `alive` is true for a
   * service whose period is known (from PERIOD_EPISODES episodes on; its
   * timing score is 0 until MIN_EPISODES) and whose last episode is at most
   * ALIVE_GAPS median gaps before `now`, so a beacon counts in the windows
   * between its check-ins and stops counting once it stops. `periodic`
   * tells a service whose gaps are regular (a schedule, whether or not
   * judged yet: a poller's targets keep one schedule before each is judged)
   * from contact that merely recurs. `period` is the service's median gap
   * (s; 0 while unknown); `group` its group hash (observe's).
   */
  forEachRecent(now: number, visit: (keys: Uint32Array, at: number, score: number, period: number, periodic: boolean, alive: boolean, novel: boolean, group: number) => void): void {
    const width = this.services.table.width;
    const keys = this.services.table.keys;
    const oldest = now - ALIVE_GAPS * MAX_PERIOD;
    const { services, episodes, score, median, sizeFactor, periodic, novel, groups } = this;
    for (let e = services.newest; e >= 0 && !(episodes.lastFlow(e) < oldest); e = services.older(e)) {
      const alive = median[e] > 0 && now - episodes.last(e) <= ALIVE_GAPS * median[e];
      if (alive || (median[e] === 0 && novel[e] === 1)) visit(keys, e * width, score[e] * sizeFactor[e], median[e], periodic[e] === 1, alive, novel[e] === 1, groups[e]);
    }
  }

  /** Period and schedule of entry e from its episode gaps and, from MIN_EPISODES on, its timing score: regularity times the count factor. */
  private judge(e: number): void {
    const n = this.episodes.counts[e];
    if (n < PERIOD_EPISODES) return;
    const times = this.episodes.times;
    const base = e * HISTORY;
    const m = n - 1;
    const gaps = this.gaps;
    for (let i = 0; i < m; i++) gaps[i] = times[base + i + 1] - times[base + i];
    const span = times[base + m] - times[base];
    sortPrefix(gaps, m);
    const median = quantile(gaps, m, 0.5);
    this.median[e] = median;
    const regularity = this.regularity(gaps, m);
    this.periodic[e] = regularity >= SCHEDULE_REGULARITY ? 1 : 0;
    this.score[e] = n >= MIN_EPISODES && span >= MIN_SPAN && median <= MAX_PERIOD ? regularity * Math.min(1, n / FULL_COUNT) : 0;
  }

  /**
   * Regularity in [0, 1] of the n sorted gaps sorted[0..n): their dispersion
   * score times symmetry, 1 - SKEW_WEIGHT × |Bowley skew|. The spread is at
   * least half the interquartile range (the MAD of a symmetric distribution):
   * the MAD of three gaps is the distance to the nearer neighbour of the
   * median and ignores the third gap, so two random gaps that happen to be
   * close would look regular.
   */
  private regularity(sorted: Float64Array, n: number): number {
    const q1 = quantile(sorted, n, 0.25);
    const q2 = quantile(sorted, n, 0.5);
    const q3 = quantile(sorted, n, 0.75);
    const skew = q3 - q1 > 0 ? (q3 + q1 - 2 * q2) / (q3 - q1) : 0;
    return this.dispersion(sorted, n, MAX_MADM, (q3 - q1) / 2) * (1 - SKEW_WEIGHT * Math.abs(skew));
  }

  /** Dispersion score in [0, 1] of the n sorted positive values sorted[0..n): 1 - max(MAD, floor)/median / maxMadm, at least 0 (0 for a median of 0). */
  private dispersion(sorted: Float64Array, n: number, maxMadm: number, floor = 0): number {
    const median = quantile(sorted, n, 0.5);
    if (!(median > 0)) return 0;
    const dev = this.dev;
    for (let i = 0; i < n; i++) dev[i] = Math.abs(sorted[i] - median);
    sortPrefix(dev, n);
    return Math.max(0, 1 - Math.max(quantile(dev, n, 0.5), floor) / (maxMadm * median));
  }
}

/** Linear-interpolated quantile q of the n sorted values sorted[0..n). */
function quantile(sorted: Float64Array, n: number, q: number): number {
  const x = q * (n - 1);
  const i = Math.floor(x);
  const j = Math.min(n - 1, i + 1);
  return sorted[i] + (x - i) * (sorted[j] - sorted[i]);
}

/**
 * Sorts a[0..n) ascending in place (an insertion sort: n is at most HISTORY,
 * and no view is made): as TypedArray sort for values that are never NaN or
 * -0, which gaps, byte counts and absolute deviations are not.
 */
function sortPrefix(a: Float64Array, n: number): void {
  for (let i = 1; i < n; i++) {
    const v = a[i];
    let j = i - 1;
    while (j >= 0 && a[j] > v) {
      a[j + 1] = a[j];
      j--;
    }
    a[j + 1] = v;
  }
}
