import type { ModelContext } from '../model/types.js';
import { DEFAULT_DOORKEEPER_SLOTS, Doorkeeper } from './doorkeeper.js';
import { LruTable } from './lru-table.js';
import { HOST_KEY } from './partial-window.js';

/** Words of a service key: host key, destination address (4 words), protocol/port word. */
const SERVICE_WORDS = HOST_KEY + 5;
/** Words of a destination key: address version, destination address, protocol/port word. */
const DEST_WORDS = 6;
/**
 * Seconds after a host's first sighting during which the services it uses
 * are its initial history rather than new to it: a host seen for the first
 * time has no history to depart from, and a periodic job of the host shows
 * within its period (the slowest beacon period judged is ten minutes, the
 * default online warm-up too).
 */
export const HOST_SETTLE_SECONDS = 600;

/** Services the history remembers unless told otherwise (`--hosts.history`). */
export const DEFAULT_HISTORY_SIZE = 100_000;

/** The saved form of a HostHistory: flat key arrays and prevalence counts. */
export interface HostHistoryDoc {
  /** Host keys, HOST_KEY words each. */
  readonly hosts: number[];
  /** Service keys, SERVICE_WORDS words each. */
  readonly services: number[];
  /** Destination keys, DEST_WORDS words each. */
  readonly destinations: number[];
  /** Distinct initiators seen per destination, in destinations order. */
  readonly sources: number[];
  /** Services seen once, as the admission filter holds them: their keys' hashes (absent in histories saved before it). */
  readonly heldServices?: number[];
  /** Hosts seen once, likewise. */
  readonly heldHosts?: number[];
}

/**
 * What each host has used, kept across windows and across restarts: the
 * hosts seen, the services (destination address and protocol/port) each
 * host initiated flows to and when first, and the prevalence of each
 * destination service (how many hosts use it). Three least-recently-used
 * tables bound the memory (a host and a destination are touched when one of
 * their services is new); `evicted` counts the entries they dropped.
 * Entries restored from a saved history count as settled history.
 *
 * Fed through `sighted`, a service or host enters its table only when seen
 * a second time: admission filters hold first sightings (Doorkeeper), so a
 * flood of spoofed sources, each seen once, neither fills nor flushes the
 * tables. A held first sighting answers as an entry would (isNew, isFresh,
 * hostCount), and an admitted entry keeps its first sighting's time, so
 * the answers are those of a history without filters except where a filter
 * dropped a first sighting (counted `overwritten`). A destination counts a
 * host from the host's first sighting of the service, as without filters.
 */
export class HostHistory implements ModelContext {
  /** Entries dropped from full tables (a monotonic count). */
  evicted = 0;
  private readonly hosts: LruTable;
  private readonly hostFirst: Float64Array;
  private readonly services: LruTable;
  private readonly serviceFirst: Float64Array;
  private readonly dests: LruTable;
  private readonly sources: Float64Array;
  /** First sightings of services not in the table. */
  readonly serviceKeeper: Doorkeeper;
  /** First sightings of hosts not in the table. */
  readonly hostKeeper: Doorkeeper;
  private readonly destKey = new Uint32Array(DEST_WORDS);
  /** Time of the first flow recorded (-Infinity once a saved history is loaded, NaN before either). */
  private start = NaN;

  /**
   * @param capacity services remembered (hosts and destinations: the same number)
   * @param filterSlots first sightings each admission filter remembers (services, hosts)
   */
  constructor(
    readonly capacity: number,
    filterSlots = DEFAULT_DOORKEEPER_SLOTS,
  ) {
    this.serviceKeeper = new Doorkeeper(filterSlots);
    this.hostKeeper = new Doorkeeper(filterSlots);
    this.hosts = new LruTable(capacity, HOST_KEY);
    this.hostFirst = new Float64Array(capacity);
    this.services = new LruTable(capacity, SERVICE_WORDS);
    this.serviceFirst = new Float64Array(capacity);
    this.dests = new LruTable(capacity, DEST_WORDS);
    this.sources = new Float64Array(capacity);
  }

  /** Records a flow start at `ts` of the service key[0..10) (host key, destination address, protocol/port word). */
  observe(key: Uint32Array, ts: number): void {
    // A known service changes nothing but its recency: one table lookup per call.
    const s = this.touch(this.services, key, 0);
    if (!this.services.inserted) return;
    if (Number.isNaN(this.start)) this.start = ts;
    this.serviceFirst[s] = ts;
    const h = this.touch(this.hosts, key, 0);
    if (this.hosts.inserted) this.hostFirst[h] = ts;
    const d = this.touch(this.dests, this.destination(key), 0);
    this.sources[d] = this.dests.inserted ? 1 : this.sources[d] + 1;
  }

  /**
   * Records a flow start at `ts` of the service key[0..10) that its caller's
   * own table (beacons) does not hold, and returns the time from which the
   * caller holds it: `ts` for a service the history knows (its recency is
   * touched), the first sighting's time for one seen before (admitted now),
   * or NaN for a first sighting, which is held back: its host is sighted
   * (admitted at its second sighting) and its destination counts the host.
   * `h` is the service key's hash and `hostHash` its host key's (hashWords), which the caller has.
   */
  sighted(key: Uint32Array, ts: number, h: number, hostHash: number): number {
    if (this.services.table.find(key, 0, h) >= 0) {
      this.services.touch(key, 0);
      return ts;
    }
    const first = this.serviceKeeper.admit(h, ts);
    if (!Number.isNaN(first)) {
      this.admit(key, first);
      return first;
    }
    if (Number.isNaN(this.start)) this.start = ts;
    if (this.hosts.table.find(key, 0, hostHash) >= 0) this.hosts.touch(key, 0);
    else {
      const hostFirst = this.hostKeeper.admit(hostHash, ts);
      if (!Number.isNaN(hostFirst)) this.hostFirst[this.touch(this.hosts, key, 0)] = hostFirst;
    }
    const d = this.touch(this.dests, this.destination(key), 0);
    this.sources[d] = this.dests.inserted ? 1 : this.sources[d] + 1;
    return NaN;
  }

  /** Reads what a `sighted` of service hash h and host hash hostHash reads first (both tables' home buckets, both filters' sets), so that their misses overlap. */
  warm(h: number, hostHash: number): number {
    return this.services.table.warm(h) + this.serviceKeeper.warm(h) + this.hosts.table.warm(hostHash) + this.hostKeeper.warm(hostHash);
  }

  /** Admits the service key[0..10) of hash h if its first sighting is held, and returns that sighting's time; NaN (nothing done) otherwise. */
  admitHeld(key: Uint32Array, h: number): number {
    const first = this.serviceKeeper.take(h);
    if (!Number.isNaN(first)) this.admit(key, first);
    return first;
  }

  /** Hosts known (initiators of recorded flows), those seen once included. */
  get hostCount(): number {
    return this.hosts.table.size + this.hostKeeper.held;
  }

  /**
   * True when the service key[at..at+10) is new to its host: first used
   * after the host's own first HOST_SETTLE_SECONDS (unknown keys are new).
   */
  isNew(key: Uint32Array, at = 0): boolean {
    const s = this.services.table.find(key, at);
    const first = s >= 0 ? this.serviceFirst[s] : this.serviceKeeper.first(this.services.table.hash(key, at));
    // A host that is neither known nor held (NaN) leaves its known service not new.
    return Number.isNaN(first) || first - this.hostFirstOf(key, at) > HOST_SETTLE_SECONDS;
  }

  /**
   * True when the service key[at..at+10) is new to its host (isNew) or its
   * host is itself new: first seen more than HOST_SETTLE_SECONDS after the
   * history began (any time after a saved history was loaded), when the
   * network's hosts were known and it was not among them.
   */
  isFresh(key: Uint32Array, at = 0): boolean {
    return this.isNew(key, at) || this.hostFirstOf(key, at) - this.start > HOST_SETTLE_SECONDS;
  }

  /** How many hosts have initiated flows to the destination service of key[at..at+10) (at least 1). */
  prevalence(key: Uint32Array, at = 0): number {
    const d = this.dests.table.find(this.destination(key, at), 0);
    return d < 0 ? 1 : Math.max(1, this.sources[d]);
  }

  /** The history as plain data, least recently used first (so a restore keeps the order). */
  toDoc(): HostHistoryDoc {
    return {
      hosts: keysOf(this.hosts),
      services: keysOf(this.services),
      destinations: keysOf(this.dests),
      sources: ordered(this.dests).map((e) => this.sources[e]),
      heldServices: this.serviceKeeper.toDoc(),
      heldHosts: this.hostKeeper.toDoc(),
    };
  }

  /** Loads a saved history into this one, all of it settled; throws a RangeError naming what is malformed. */
  restore(saved: unknown): void {
    const doc = saved as HostHistoryDoc;
    const ok = (a: unknown, width: number): a is number[] => Array.isArray(a) && a.length % width === 0 && a.every((w) => Number.isInteger(w) && w >= 0 && w <= 0xffffffff);
    if (!ok(doc?.hosts, HOST_KEY) || !ok(doc.services, SERVICE_WORDS) || !ok(doc.destinations, DEST_WORDS)) throw new RangeError('host history keys are not whole words of the expected widths');
    if (!Array.isArray(doc.sources) || doc.sources.length !== doc.destinations.length / DEST_WORDS || !doc.sources.every((n) => Number.isFinite(n) && n >= 1)) {
      throw new RangeError('host history prevalence counts do not match its destinations');
    }
    const held = (a: unknown): a is number[] | undefined => a === undefined || ok(a, 1);
    if (!held(doc.heldServices) || !held(doc.heldHosts)) throw new RangeError('host history first sightings are not whole words');
    this.start = -Infinity;
    load(this.hosts, doc.hosts, (e) => (this.hostFirst[e] = -Infinity));
    load(this.services, doc.services, (e) => (this.serviceFirst[e] = -Infinity));
    let i = 0;
    load(this.dests, doc.destinations, (e) => (this.sources[e] = doc.sources[i++]));
    this.serviceKeeper.restore(doc.heldServices ?? [], -Infinity);
    this.hostKeeper.restore(doc.heldHosts ?? [], -Infinity);
  }

  /** Inserts the service key[0..10) first seen at `first`, and its host unless known (from the host's held first sighting, else from `first`). */
  private admit(key: Uint32Array, first: number): void {
    this.serviceFirst[this.touch(this.services, key, 0)] = first;
    if (this.hosts.table.find(key, 0) >= 0) return;
    const hostFirst = this.hostKeeper.take(this.hosts.table.hash(key, 0));
    this.hostFirst[this.touch(this.hosts, key, 0)] = Number.isNaN(hostFirst) ? first : hostFirst;
  }

  /** Time of the first sighting of the host of key[at..], known or held, or NaN. */
  private hostFirstOf(key: Uint32Array, at: number): number {
    const hash = this.hosts.table.hash(key, at);
    const h = this.hosts.table.find(key, at, hash);
    return h >= 0 ? this.hostFirst[h] : this.hostKeeper.first(hash);
  }

  private touch(t: LruTable, key: Uint32Array, at: number): number {
    const full = t.table.size === t.table.capacity;
    const e = t.touch(key, at);
    if (full && t.inserted) this.evicted++;
    return e;
  }

  /** The destination key (version, address, protocol/port) of service key[at..]. */
  private destination(key: Uint32Array, at = 0): Uint32Array {
    const d = this.destKey;
    d[0] = key[at];
    for (let i = 0; i < 5; i++) d[1 + i] = key[at + HOST_KEY + i];
    return d;
  }
}

/** Entry ids of t, least recently used first. */
function ordered(t: LruTable): number[] {
  const ids: number[] = [];
  t.forEach((e) => {
    ids.push(e);
  });
  return ids.reverse();
}

/** Keys of t as one flat array, least recently used first. */
function keysOf(t: LruTable): number[] {
  const w = t.table.width;
  const out: number[] = [];
  for (const e of ordered(t)) for (let i = 0; i < w; i++) out.push(t.table.keys[e * w + i]);
  return out;
}

/** Touches every key of a flat array into t (the last most recently used), calling init for each entry. */
function load(t: LruTable, flat: readonly number[], init: (e: number) => void): void {
  const w = t.table.width;
  const key = new Uint32Array(w);
  for (let at = 0; at < flat.length; at += w) {
    for (let i = 0; i < w; i++) key[i] = flat[at + i];
    init(t.touch(key));
  }
}
