import { Episodes } from './episodes.js';
import { LruTable } from './lru-table.js';

/**
 * Periodicity of connections per (host, destination), kept across windows so
 * beacons that call home every few windows stay visible between check-ins. Flow starts closer
 * than `episodeGap` seconds to the previous start merge into one episode, so
 * bursts (page loads, scans) do not look periodic. Memory is bounded: the
 * least recently used pair is evicted when the table is full.
 */
export class Regularity {
  private readonly pairs: LruTable;
  private readonly episodes: Episodes;
  private readonly value: Float64Array;
  private readonly meanGap: Float64Array;
  /** The caller's tag of each pair's latest flow start (window-closer: its protocol/port word). */
  private readonly tags: Uint32Array;
  /** The caller's hash of each pair's key prefix (window-closer: its host key's, as the window's host table takes it), so a visit needs not hash it. */
  private readonly groups: Uint32Array;

  /**
   * @param capacity pairs remembered
   * @param keyWidth words per pair key
   * @param history episode start times kept per pair
   * @param minEpisodes episodes needed before a regularity is reported
   * @param episodeGap seconds of silence that separate two episodes
   */
  constructor(
    capacity: number,
    keyWidth: number,
    history = 8,
    private readonly minEpisodes = 4,
    episodeGap = 2,
  ) {
    this.pairs = new LruTable(capacity, keyWidth);
    this.episodes = new Episodes(capacity, history, episodeGap);
    this.value = new Float64Array(capacity);
    this.meanGap = new Float64Array(capacity);
    this.tags = new Uint32Array(capacity);
    this.groups = new Uint32Array(capacity);
  }

  /** Reads the home bucket of the pair of hash h, so that a `has` of it soon after finds the line on its way (WordTable.warm). */
  warm(h: number): number {
    return this.pairs.table.warm(h);
  }

  /** True when the table holds key[0..keyWidth), of hash h (hashWords). */
  has(key: Uint32Array, h: number): boolean {
    return this.pairs.table.find(key, 0, h) >= 0;
  }

  /**
   * Records a flow start of the pair key[at..at+keyWidth) at `ts` and returns
   * max(0, 1 - CV) of the gaps between its last episodes (1 = perfectly
   * periodic), or 0 while fewer than minEpisodes episodes are known; `tag`
   * is kept as the pair's latest tag, `group` as its group hash.
   */
  observe(key: Uint32Array, ts: number, at = 0, tag = 0, group = 0): number {
    const e = this.pairs.touch(key, at);
    this.tags[e] = tag;
    this.groups[e] = group;
    if (this.pairs.inserted) {
      this.episodes.reset(e);
      this.value[e] = 0;
    }
    if (this.episodes.start(e, ts)) this.value[e] = this.regularity(e);
    return this.value[e];
  }

  /**
   * Calls visit, in no particular order, for every pair with a regularity above 0 that is still alive
   * at `now`: its last episode is at most two mean gaps old, so a beacon
   * counts in every window between its check-ins and fades once it stops.
   * keys[at..] is the pair key; episodes is how many episode starts the regularity rests on, meanGap their mean spacing in seconds, tag the latest flow start's, group the pair's group hash (observe's).
   */
  forEachAlive(now: number, visit: (keys: Uint32Array, at: number, regularity: number, episodes: number, meanGap: number, tag: number, group: number) => void): void {
    const width = this.pairs.table.width;
    const keys = this.pairs.table.keys;
    // The whole table is walked every window, in id order.
    const episodes = this.episodes;
    const counts = episodes.counts;
    const { value, meanGap, tags, groups } = this;
    for (let e = 0, n = this.pairs.size; e < n; e++) {
      if (value[e] > 0 && now - episodes.last(e) <= 2 * meanGap[e]) visit(keys, e * width, value[e], counts[e], meanGap[e], tags[e], groups[e]);
    }
  }

  private regularity(e: number): number {
    const n = this.episodes.counts[e];
    if (n < this.minEpisodes) return 0;
    const times = this.episodes.times;
    const base = e * this.episodes.history;
    let sum = 0;
    let sumSq = 0;
    for (let i = 1; i < n; i++) {
      const gap = times[base + i] - times[base + i - 1];
      sum += gap;
      sumSq += gap * gap;
    }
    const gaps = n - 1;
    const mean = sum / gaps;
    this.meanGap[e] = mean;
    if (mean <= 0) return 0;
    const variance = Math.max(0, sumSq / gaps - mean * mean);
    return Math.max(0, 1 - Math.sqrt(variance) / mean);
  }
}
