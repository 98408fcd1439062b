import { WordTable } from './word-table.js';

/**
 * Periodicity of connections per (host, destination), kept across windows so
 * beacons that call home every few windows stay visible between check-ins. Flow starts closer
 * than `episodeGap` seconds to the previous start merge into one episode, so
 * bursts (page loads, scans) do not look periodic. Memory is bounded: the
 * least recently used pair is evicted when the table is full.
 */
export class Regularity {
  private readonly table: WordTable;
  private readonly times: Float64Array;
  private readonly counts: Uint8Array;
  private readonly lastStart: Float64Array;
  private readonly value: Float64Array;
  private readonly meanGap: Float64Array;
  private readonly prev: Int32Array;
  private readonly next: Int32Array;
  private head = -1;
  private tail = -1;

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
    private readonly history = 8,
    private readonly minEpisodes = 4,
    private readonly episodeGap = 2,
  ) {
    this.table = new WordTable(capacity, keyWidth);
    this.times = new Float64Array(capacity * history);
    this.counts = new Uint8Array(capacity);
    this.lastStart = new Float64Array(capacity);
    this.value = new Float64Array(capacity);
    this.meanGap = new Float64Array(capacity);
    this.prev = new Int32Array(capacity);
    this.next = new Int32Array(capacity);
  }

  /**
   * Records a flow start of the pair key[at..at+keyWidth) at `ts` and returns
   * max(0, 1 - CV) of the gaps between its last episodes (1 = perfectly
   * periodic), or 0 while fewer than minEpisodes episodes are known.
   */
  observe(key: Uint32Array, ts: number, at = 0): number {
    let e = this.table.find(key, at);
    if (e < 0) {
      if (this.table.size === this.table.capacity) {
        const victim = this.tail;
        this.unlink(victim);
        this.table.remove(victim);
      }
      e = this.table.insert(key, at);
      this.counts[e] = 0;
      this.lastStart[e] = -Infinity;
      this.value[e] = 0;
    } else {
      this.unlink(e);
    }
    this.pushFront(e);
    const gapped = ts - this.lastStart[e] >= this.episodeGap;
    this.lastStart[e] = ts;
    if (gapped) {
      const base = e * this.history;
      const n = this.counts[e];
      if (n === this.history) this.times.copyWithin(base, base + 1, base + n);
      this.times[base + Math.min(n, this.history - 1)] = ts;
      if (n < this.history) this.counts[e] = n + 1;
      this.value[e] = this.regularity(e);
    }
    return this.value[e];
  }

  /**
   * Calls visit for every pair with a regularity above 0 that is still alive
   * at `now`: its last episode is at most two mean gaps old, so a beacon
   * counts in every window between its check-ins and fades once it stops.
   * keys[at..] is the pair key; episodes is how many episode starts the regularity rests on.
   */
  forEachAlive(now: number, visit: (keys: Uint32Array, at: number, regularity: number, episodes: number) => void): void {
    const width = this.table.width;
    for (let e = this.head; e >= 0; e = this.next[e]) {
      if (this.value[e] > 0 && now - this.times[e * this.history + this.counts[e] - 1] <= 2 * this.meanGap[e]) visit(this.table.keys, e * width, this.value[e], this.counts[e]);
    }
  }

  private regularity(e: number): number {
    const n = this.counts[e];
    if (n < this.minEpisodes) return 0;
    const base = e * this.history;
    let sum = 0;
    let sumSq = 0;
    for (let i = 1; i < n; i++) {
      const gap = this.times[base + i] - this.times[base + i - 1];
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

  private unlink(e: number): void {
    const p = this.prev[e];
    const n = this.next[e];
    if (p >= 0) this.next[p] = n;
    else this.head = n;
    if (n >= 0) this.prev[n] = p;
    else this.tail = p;
  }

  private pushFront(e: number): void {
    this.prev[e] = -1;
    this.next[e] = this.head;
    if (this.head >= 0) this.prev[this.head] = e;
    this.head = e;
    if (this.tail < 0) this.tail = e;
  }
}
