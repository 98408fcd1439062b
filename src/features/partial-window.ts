import { HllBank } from './hll.js';
import { PeerTable } from './peer-table.js';
import { hashWords } from './word-hash.js';
import { WordTable } from './word-table.js';

/** Words of a host key: the IP version, then four address words (IPv4 in the first, the rest zero). */
export const HOST_KEY = 5;

/**
 * Per-host counters of a window, in partial-window column order. All are sums,
 * so partials merge by addition. CARRIED_RST and LATE/LATE_FLOWS are folded
 * into the features by the closer, which decides whether a host's late flows
 * are judged with the next window.
 */
export const COUNTER = {
  FLOWS: 0,
  ATTEMPTS: 1,
  RST: 2,
  PKTS_SENT: 3,
  PKTS_RECV: 4,
  BYTES_SENT: 5,
  BYTES_RECV: 6,
  SMALL: 7,
  DUR_SUM: 8,
  DUR_N: 9,
  UDP: 10,
  ICMP: 11,
  DNS_Q: 12,
  QLEN_SUM: 13,
  ENTROPY_SUM: 14,
  DNS_R: 15,
  NXDOMAIN: 16,
  INBOUND: 17,
  DNS_NAMED: 18,
  PUBLIC_BYTES: 19,
  EXPECTING: 20,
  FAILED: 21,
  UNREACHABLE: 22,
  ODD: 23,
  UDP_PKTS: 24,
  ICMP_PAYLOAD: 25,
  ECHOES: 26,
  /** Late flows: started in the window's last grace second, unanswered at its close (a flow listed twice counts twice). */
  LATE: 27,
  /** Distinct late flows. */
  LATE_FLOWS: 28,
  /** RSTs answering TCP attempts carried from the previous window. */
  CARRIED_RST: 29,
} as const;

/** A per-host counter column. */
export type Counter = (typeof COUNTER)[keyof typeof COUNTER];

/** Counters per host. */
export const N_COUNTERS = Object.keys(COUNTER).length;

/** Per-host distinct-count sketches (HyperLogLog banks); partials merge by register max. */
export const SKETCH = {
  DST_ADDRS: 0,
  DST_PORTS: 1,
  DST_SERVICES: 2,
  IN_SOURCES: 3,
  FAILED_PORTS: 4,
  /** Destination services of the late flows. */
  LATE_PORTS: 5,
} as const;

/** A per-host sketch. */
export type Sketch = (typeof SKETCH)[keyof typeof SKETCH];

/** Sketches per host. */
export const N_SKETCHES = Object.keys(SKETCH).length;

/** Most per-second packet counters per host; longer windows share a counter between neighbouring seconds. */
const MAX_SECOND_SLOTS = 64;

/** Most judged carried flows a partial lists. */
export const MAX_CARRIED = 1 << 16;

/** Sizes of a partial window. */
export interface PartialWindowOptions {
  /** Window length in seconds. */
  windowSeconds: number;
  /** Most hosts per window. */
  maxHosts: number;
  /** Flow-table size: no more flows than this are carried into a window. */
  flowMax: number;
}

/**
 * The mergeable state of one window of one accumulator: per-host counters
 * (sums), sketches (register max), per-second packet counts (sums per
 * second), the distinct hosts that found no room, and the flows carried from
 * the previous window with their verdicts. `merge` folds another partial of
 * the same window into this one; the closer turns the result into rows.
 */
export class PartialWindow {
  /** Window start, seconds since the epoch. */
  start = NaN;
  /** Host keys; an entry id indexes every per-host array. */
  readonly hosts: WordTable;
  /** Nonzero for the entries that hold a host. */
  readonly stamp: Uint32Array;
  /** Per entry: the stream position of the host's first packet (capture workers set it, so that merged entries keep one stream's order). */
  readonly first: Float64Array;
  /** One past the highest entry id in use. */
  highWater = 0;
  /** counters[entry * N_COUNTERS + COUNTER.X]. */
  readonly counters: Float64Array;
  /** Sketches by SKETCH id, one sketch per entry. */
  readonly sketches: readonly HllBank[];
  /** Per host: the destinations (address, port) it sent most packets to. */
  readonly peers: PeerTable;
  /** Distinct hosts not tracked for want of room (one sketch). */
  readonly untracked = new HllBank(1, 10);
  /** Per-host packet counts by second of the window: seconds[entry * secondSlots + slot]. */
  readonly seconds: Uint32Array;
  /** Counters per host in `seconds`. */
  readonly secondSlots: number;
  /** Seconds that share one counter (1 unless the window is longer than MAX_SECOND_SLOTS - 1 seconds). */
  readonly secondsPerSlot: number;
  /** Host keys of the flows carried from the previous window and judged at this window's close. */
  readonly carriedKeys: Uint32Array;
  /** 1 when the carried flow got no answer. */
  readonly carriedFailed: Uint8Array;
  /** Protocol/port word of the carried flow's destination service. */
  readonly carriedServices: Uint32Array;
  /** Carried flows listed. */
  carriedCount = 0;

  constructor(opts: PartialWindowOptions) {
    this.hosts = new WordTable(opts.maxHosts, HOST_KEY);
    this.stamp = new Uint32Array(opts.maxHosts);
    this.first = new Float64Array(opts.maxHosts);
    this.counters = new Float64Array(opts.maxHosts * N_COUNTERS);
    this.sketches = Array.from({ length: N_SKETCHES }, () => new HllBank(opts.maxHosts));
    this.peers = new PeerTable(opts.maxHosts);
    const seconds = Math.ceil(opts.windowSeconds) + 1;
    this.secondsPerSlot = Math.ceil(seconds / MAX_SECOND_SLOTS);
    this.secondSlots = Math.ceil(seconds / this.secondsPerSlot);
    this.seconds = new Uint32Array(opts.maxHosts * this.secondSlots);
    const carried = Math.min(opts.flowMax, MAX_CARRIED);
    this.carriedKeys = new Uint32Array(carried * HOST_KEY);
    this.carriedFailed = new Uint8Array(carried);
    this.carriedServices = new Uint32Array(carried);
  }

  /** Counter slot of a packet sent in second `second` (a whole epoch second). */
  secondSlot(second: number): number {
    const i = Math.floor((second - Math.floor(this.start)) / this.secondsPerSlot);
    return i < 0 ? 0 : i >= this.secondSlots ? this.secondSlots - 1 : i;
  }

  /** Most packets entry `e` sent within one second of the window. */
  peak(e: number): number {
    let best = 0;
    for (let i = e * this.secondSlots, end = i + this.secondSlots; i < end; i++) if (this.seconds[i] > best) best = this.seconds[i];
    return best;
  }

  /** Empties entry `e` (its stamp becomes 0). */
  resetEntry(e: number): void {
    // Element loops: a fill call costs more than these few stores (this runs for every host evicted in a flood).
    for (let i = e * N_COUNTERS, end = i + N_COUNTERS; i < end; i++) this.counters[i] = 0;
    for (let k = 0; k < N_SKETCHES; k++) this.sketches[k].clear(e);
    this.peers.clear(e);
    for (let i = e * this.secondSlots, end = i + this.secondSlots; i < end; i++) this.seconds[i] = 0;
    this.stamp[e] = 0;
  }

  /** Empties the partial for the window starting at `start`. */
  reset(start: number): void {
    for (let e = 0; e < this.highWater; e++) this.resetEntry(e);
    this.hosts.clear();
    this.highWater = 0;
    this.untracked.clear(0);
    this.carriedCount = 0;
    this.start = start;
  }

  /** Adds a carried flow's verdict. */
  addCarried(keys: Uint32Array, at: number, failed: boolean, service: number): void {
    if (this.carriedCount === this.carriedFailed.length) return;
    this.carriedKeys.set(keys.subarray(at, at + HOST_KEY), this.carriedCount * HOST_KEY);
    this.carriedFailed[this.carriedCount] = failed ? 1 : 0;
    this.carriedServices[this.carriedCount++] = service;
  }

  /**
   * Folds `other` (a partial of the same window and sizes) into this one:
   * counters and per-second counts add, sketches take the register max.
   * Hosts that find no room count as untracked. Carried verdicts stay with
   * their partial: the closer reads each partial's.
   */
  merge(other: PartialWindow): void {
    if (other.secondSlots !== this.secondSlots) throw new RangeError('partial windows of different lengths cannot merge');
    for (let o = 0; o < other.highWater; o++) if (other.stamp[o] !== 0) this.mergeEntry(other, o);
    this.untracked.merge(0, other.untracked, 0);
  }

  /**
   * Folds `partials` (capture workers' partials of this window) into this
   * empty one with their hosts in the order of their first packet, which is
   * the entry order one stream would have given them; their carried verdicts
   * are listed here.
   */
  mergeOrdered(partials: readonly PartialWindow[]): void {
    const order: [number, number][] = [];
    partials.forEach((p, i) => {
      if (p.secondSlots !== this.secondSlots) throw new RangeError('partial windows of different lengths cannot merge');
      for (let o = 0; o < p.highWater; o++) if (p.stamp[o] !== 0) order.push([i, o]);
      this.untracked.merge(0, p.untracked, 0);
      for (let c = 0; c < p.carriedCount; c++) this.addCarried(p.carriedKeys, c * HOST_KEY, p.carriedFailed[c] !== 0, p.carriedServices[c]);
    });
    order.sort((a, b) => partials[a[0]].first[a[1]] - partials[b[0]].first[b[1]] || a[0] - b[0] || a[1] - b[1]);
    for (const [i, o] of order) this.mergeEntry(partials[i], o);
  }

  /** Adds entry `o` of `other` to this partial's entry of the same host, inserting it (or counting it untracked). */
  private mergeEntry(other: PartialWindow, o: number): void {
    let e = this.hosts.find(other.hosts.keys, o * HOST_KEY);
    if (e < 0) {
      e = this.hosts.insert(other.hosts.keys, o * HOST_KEY);
      if (e < 0) {
        this.untracked.add(0, hashWords(other.hosts.keys, o * HOST_KEY, HOST_KEY));
        return;
      }
      this.stamp[e] = 1;
      this.first[e] = other.first[o];
      if (e >= this.highWater) this.highWater = e + 1;
    }
    for (let k = 0; k < N_COUNTERS; k++) this.counters[e * N_COUNTERS + k] += other.counters[o * N_COUNTERS + k];
    for (let k = 0; k < N_SKETCHES; k++) this.sketches[k].merge(e, other.sketches[k], o);
    this.peers.merge(e, other.peers, o);
    for (let k = 0; k < this.secondSlots; k++) this.seconds[e * this.secondSlots + k] += other.seconds[o * this.secondSlots + k];
  }
}
