import { ipText } from '../util/ip-text.js';
import { Beacons } from './beacons.js';
import { DEFAULT_DOORKEEPER_SLOTS, Doorkeeper } from './doorkeeper.js';
import type { HllBank } from './hll.js';
import { DEFAULT_HISTORY_SIZE, HostHistory } from './host-history.js';
import type { HostRow } from './host-row.js';
import { COUNTER as C, HOST_KEY, N_COUNTERS, N_SKETCHES, type Counter, type PartialWindow, SKETCH, type Sketch } from './partial-window.js';
import { PeerTable } from './peer-table.js';
import { isPublicAddress } from './public-address.js';
import { Regularity } from './regularity.js';
import { RUNS_DECAY_SECONDS, SessionRuns } from './session-runs.js';
import { FEATURES, N_FEATURES, transformRows } from './schema.js';
import { FAILED_PORT_SEED, PAIR_KEY, SERVICE_KEY, type FlowEvents } from './window-accumulator.js';
import { hashEnd, hashStep, hashWords, mix32, WORDS_SEED } from './word-hash.js';
import type { WindowBatch } from './window-batch.js';
import { WordTable } from './word-table.js';

/** Options of a WindowCloser. */
export interface WindowCloserOptions {
  /** Most hosts per window (also sizes the cross-window tables). */
  maxHosts: number;
  /** Services (host, destination, protocol/port) the host history remembers (default DEFAULT_HISTORY_SIZE). */
  historySize?: number;
  /** First sightings each admission filter of the cross-window tables remembers (default DEFAULT_DOORKEEPER_SLOTS). */
  doorkeeperSlots?: number;
}

/** The admission filters of a WindowCloser's cross-window tables, by the keys they hold. */
export interface Admission {
  /** (host, destination) pairs of the regularity table. */
  readonly pairs: Doorkeeper;
  /** (host, destination, protocol/port) services of the beacon table and the host history. */
  readonly services: Doorkeeper;
  /** Hosts of the host history. */
  readonly hosts: Doorkeeper;
}

/** Where flowStarted stores the sum of its warming reads (never read). */
const warmed = new Float64Array(1);
/** Cross-window values per host entry in close: regularity, public regularity, repeated sessions, beacon, fresh upload seconds. */
const CROSS = 5;
/** Distinct initiators per window that give a host that only responded its own row. */
const MIN_FAN_IN = 32;
/** Unanswered flows in the last grace second that are a burst (a page load's lookups and connections are fewer). */
const LATE_BURST = 8;
/**
 * When contact with a public address counts as periodic (public_regularity):
 * at least PUBLIC_MIN_EPISODES episodes at most PUBLIC_MAX_PERIOD seconds
 * apart on average, with 1 - CV of the gaps, weighted by how many hosts use
 * the pair's latest service (1/prevalence: update checks to a shared
 * server are periodic too), at least PUBLIC_MIN_REGULARITY.
 * Browsing revisits the same CDN address by chance; a beacon with tool-like
 * jitter stays above the regularity bound from its fifth check-in (the
 * measurements are in docs/detection.md). Slower periodic contact is left to
 * connection_regularity.
 */
const PUBLIC_MIN_EPISODES = 5;
const PUBLIC_MAX_PERIOD = 120;
const PUBLIC_MIN_REGULARITY = 0.8;
/** Weight of periodic contact with a service of the host's own history, against 1 for a service new to it. */
const KNOWN_SERVICE_WEIGHT = 0.3;
/**
 * Weighted beacon scores below this are reported as 0: periodic contact with a
 * service of the host's own history (weight 0.3) or one many hosts share
 * never reaches it, so only new, rare and regular contact counts.
 */
const BEACON_MIN = 0.5;
/** Periods (median gaps) this close, relative to the longer, are one schedule. */
const SAME_PERIOD = 0.1;
/**
 * Beacon weight of a service that shares its period with `n` alive periodic
 * services of its host (itself included): 1 for one or two, falling as more
 * keep one schedule. A poller or scraper checks many targets on one
 * interval; a beacon is one implant's contact with its C2 on its own timer.
 */
function schedule(n: number): number {
  return Math.min(1, 2 / n);
}
/**
 * Weighted session runs (a decaying count) below this are reported as 0: a
 * run to a service of the host's history weighs nothing, and one of
 * sessions over in a round trip stays below it. The value reported jumps
 * from 0, so a host's own baseline cannot learn an attack's first minutes
 * as its habit.
 */
const RUN_MIN = 3;
/**
 * Share of a run's period its sessions last from which the run counts in
 * full: login attempts hold their session while the server checks and
 * delays each failure; polls and pushes last a small fraction of their
 * period (measurements in docs/detection.md).
 */
const LOGIN_DUTY = 0.2;

/** Hosts known that do not use a service, at which its rarity counts in full. */
const MIN_OTHERS = 4;
/**
 * Beacon weight of a service used by `prevalence` of the `hosts` known: 1 for
 * one host, falling as more hosts share it (shared periodic jobs), and
 * scaled down while fewer than MIN_OTHERS other hosts could have used it (a
 * service one host of one uses is not rare).
 */
function rarity(prevalence: number, hosts: number): number {
  return shared(prevalence) * Math.min(1, Math.max(0, hosts - prevalence) / MIN_OTHERS);
}

/** Weight of a service `prevalence` hosts use: 1/prevalence, the share of its users one host is (a C2 service has its implants only; an update or backup server several hosts check on their own schedules is shared). */
function shared(prevalence: number): number {
  return 1 / Math.max(1, prevalence);
}

/**
 * The per-window half of the host-window features: merges the partial windows
 * of every accumulator (shard) and computes the rows. It owns the analysers
 * that span windows (connection regularity, repeated sessions), fed with flow
 * events, and decides per host whether flows started in a window's last
 * second are judged with the next window: only for a host with no failure
 * and no burst of them, whose answers may simply be on their way.
 */
export class WindowCloser implements FlowEvents {
  private readonly regularities: Regularity;
  private readonly runs: SessionRuns;
  private readonly beacons: Beacons;
  /** What each host has used: services, when first, and how many hosts share each. */
  readonly history: HostHistory;
  /** The admission filters: a pair or service enters the cross-window tables at its second flow start, a host at its second service. */
  readonly admission: Admission;
  private readonly pairKeeper: Doorkeeper;
  /** Hosts whose late flows the previous window carried into this one. */
  private carrying: WordTable;
  private nextCarrying: WordTable;
  private readonly row = new Row();
  /** Scratch service key (a pair key and its protocol/port word). */
  private readonly service = new Uint32Array(SERVICE_KEY);
  /**
   * weighBeacons' scratch for each alive service of a host with a row whose timing reaches BEACON_MIN: its host and
   * key offset in `alive`, its timing score and period in `aliveTiming`. The integers have a list of their own: in one
   * list with fractions they would be read back as heap numbers, and an index that is not a small integer
   * deoptimises every table lookup it reaches.
   */
  private readonly alive: number[] = [];
  private readonly aliveTiming: number[] = [];
  /** weighBeacons' scratch for each recent novel service (Beacons.forEachRecent) of a host with a row: its host and key offset in `recent`, its period in `recentPeriod` (0 unless alive and periodic). */
  private readonly recent: number[] = [];
  /** Created with double elements (weighBeacons empties it first): periods are fractional, and the first one pushed into an array of integer 0s would change its elements kind and deoptimise Beacons.forEachRecent. */
  private readonly recentPeriod: number[] = [0.5];
  /** Hosts that uploaded to services fresh to them this window, and their longest run (`uploaded`); cleared at each close. */
  private readonly uploads: WordTable;
  private readonly uploadSeconds: Float64Array;
  private untrackedTotal: number;

  constructor(opts: WindowCloserOptions) {
    const pairs = Math.max(1024, opts.maxHosts * 4);
    this.regularities = new Regularity(pairs, PAIR_KEY);
    this.runs = new SessionRuns(pairs, SERVICE_KEY);
    this.beacons = new Beacons(pairs, SERVICE_KEY);
    const slots = opts.doorkeeperSlots ?? DEFAULT_DOORKEEPER_SLOTS;
    this.history = new HostHistory(opts.historySize ?? DEFAULT_HISTORY_SIZE, slots);
    this.pairKeeper = new Doorkeeper(slots);
    this.admission = { pairs: this.pairKeeper, services: this.history.serviceKeeper, hosts: this.history.hostKeeper };
    this.carrying = new WordTable(opts.maxHosts, HOST_KEY);
    this.nextCarrying = new WordTable(opts.maxHosts, HOST_KEY);
    this.uploads = new WordTable(opts.maxHosts, HOST_KEY);
    this.uploadSeconds = new Float64Array(opts.maxHosts);
    // Assigned here rather than where declared, so that V8 tracks the field as mutable from the start (see WindowAccumulator).
    this.untrackedTotal = 0;
  }

  /** Hosts that found no room in closed windows (a monotonic count). */
  get untrackedHosts(): number {
    return this.untrackedTotal;
  }

  /**
   * A pair or service new to its table is held back by its admission filter
   * at its first flow start and enters at its second, first observed at the
   * first one's time: its episodes are those it would have had from the
   * first (a pair or service of one flow start has no regularity or timing
   * to report).
   */
  flowStarted(key: Uint32Array, ts: number): void {
    // Each key is hashed once for its table's lookup and its filter; the host, pair and service keys
    // are prefixes of one another, so their hashes share the steps of the shorter (hashWords's values).
    let state = WORDS_SEED;
    for (let i = 0; i < HOST_KEY; i++) state = hashStep(state, key[i]);
    const host = hashEnd(state, HOST_KEY);
    for (let i = HOST_KEY; i < PAIR_KEY; i++) state = hashStep(state, key[i]);
    const pair = hashEnd(state, PAIR_KEY);
    const service = hashEnd(hashStep(state, key[PAIR_KEY]), SERVICE_KEY);
    // The seven lines the lookups below read first (four tables' home buckets, three filters' sets, megabytes apart
    // and cold in a flood of new keys) are read together, so that their misses overlap instead of following one another.
    // Their sum is stored, or the compiler would drop the reads as unused.
    warmed[0] = this.regularities.warm(pair) + this.pairKeeper.warm(pair) + this.beacons.warm(service) + this.history.warm(service, host);
    // The host hash is the group of pairs and services: close() finds their host in the window by it.
    if (this.regularities.has(key, pair)) this.regularities.observe(key, ts, 0, key[PAIR_KEY], host);
    else {
      const first = this.pairKeeper.admit(pair, ts);
      if (!Number.isNaN(first)) {
        this.regularities.observe(key, first, 0, key[PAIR_KEY], host);
        this.regularities.observe(key, ts, 0, key[PAIR_KEY], host);
      }
    }
    if (!this.beacons.has(key, service)) {
      // The history holds the first sightings of services and admits them: from then on the beacon table holds them too.
      const first = this.history.sighted(key, ts, service, host);
      if (Number.isNaN(first)) return;
      this.beacons.observe(key, first, 0, this.history.isNew(key), host);
      if (first === ts) return;
    }
    // The history hears only of episode starts (a service's first flow start is one): the other flow starts
    // of an episode would change nothing but the service's recency, which so is that of its latest episode.
    if (this.beacons.observe(key, ts, 0, false, host)) this.history.observe(key, ts);
  }

  /** A session of a service held back proves two-way contact: the service is admitted, so its size counts from its first session as without the filter. */
  sessionEnded(key: Uint32Array, first: number, last: number, bytes: number): void {
    this.runs.ended(key, first, last, bytes);
    const service = hashWords(key, 0, SERVICE_KEY);
    if (!this.beacons.has(key, service)) {
      const seen = this.history.admitHeld(key, service);
      if (Number.isNaN(seen)) return;
      this.beacons.observe(key, seen, 0, this.history.isNew(key), hashWords(key, 0, HOST_KEY));
    }
    this.beacons.sized(key, bytes);
  }

  /**
   * Keeps, per host, the longest run of uploading to a service fresh to it
   * (new to it, or the host new to the network) heard this window; uploads
   * to services of the host's history (its backups, its CI, its file shares)
   * count nothing. Only hosts with room in a window report uploads, so the
   * table (the window's host capacity) fills only when capture workers'
   * windows together hold more uploading hosts; a report that finds it full
   * is dropped and counted as an untracked host.
   */
  uploaded(key: Uint32Array, _ts: number, seconds: number): void {
    if (!this.history.isFresh(key)) return;
    let e = this.uploads.find(key);
    if (e < 0) {
      e = this.uploads.insert(key);
      if (e < 0) {
        this.untrackedTotal++;
        return;
      }
      this.uploadSeconds[e] = seconds;
    }
    if (seconds > this.uploadSeconds[e]) this.uploadSeconds[e] = seconds;
  }

  /**
   * Merges the partials of the window [start, end) into the first one (the
   * partials are consumed) and returns its rows, or undefined when no host
   * has one.
   */
  close(partials: readonly PartialWindow[], end: number): WindowBatch | undefined {
    const w = partials[0];
    for (let i = 1; i < partials.length; i++) w.merge(partials[i]);
    for (const p of partials) this.judgeCarried(w, p);
    this.judgeLate(w);
    this.untrackedTotal += Math.round(w.untracked.estimate(0));
    const row = this.row;
    const best = new Float64Array(w.highWater * CROSS);
    const history = this.history;
    const service = this.service;
    this.regularities.forEachAlive(end, (keys, at, value, episodes, meanGap, port, hostHash) => {
      // A pair key starts with its host key (version, address) followed by the destination address.
      const h = w.hosts.find(keys, at, hostHash);
      if (h < 0) return;
      if (value > best[h * CROSS]) best[h * CROSS] = value;
      if (episodes < PUBLIC_MIN_EPISODES || meanGap > PUBLIC_MAX_PERIOD || value < PUBLIC_MIN_REGULARITY || value <= best[h * CROSS + 1] || !isPublicAddress(keys[at], keys.subarray(at + 5, at + 9))) return;
      service.set(keys.subarray(at, at + PAIR_KEY));
      service[PAIR_KEY] = port;
      const weighted = value * shared(history.prevalence(service));
      if (weighted >= PUBLIC_MIN_REGULARITY && weighted > best[h * CROSS + 1]) best[h * CROSS + 1] = weighted;
    });
    this.sessionRuns(w, end, best);
    const rareContact = new Float64Array(w.highWater);
    this.weighBeacons(w, end, best, rareContact);
    this.freshUploads(w, best);
    const rows: number[] = [];
    for (let e = 0; e < w.highWater; e++) if (w.stamp[e] !== 0 && emitted(w, e)) rows.push(e);
    if (rows.length === 0) return undefined;
    const raw = new Float64Array(rows.length * N_FEATURES);
    const peers = new PeerTable(rows.length);
    // Pushed rather than mapped: rows.map's result is packed from the builtin and holey from optimised code, and
    // hosts arrays of two element kinds deoptimise every reader of the batch when the second appears.
    const hosts: string[] = [];
    for (let r = 0; r < rows.length; r++) {
      const e = rows[r];
      peers.merge(r, w.peers, e);
      row.at(w, e, best.subarray(e * CROSS, e * CROSS + CROSS));
      for (let f = 0; f < N_FEATURES; f++) raw[r * N_FEATURES + f] = FEATURES[f].value(row);
      hosts.push(ipText(w.hosts.keys[e * HOST_KEY], w.hosts.keys, e * HOST_KEY + 1));
    }
    const vectors = new Float64Array(raw.length);
    transformRows(raw, vectors);
    return { start: w.start, end, hosts, vectors, raw, rareContact: Float64Array.from(rows, (e) => rareContact[e]), peers: (r) => peers.top(r) };
  }

  /**
   * Raises best[h * CROSS + 3] to the weighted beacon score of each alive service
   * of a host h with a row, and sets rareContact[h] (see WindowBatch) from
   * every service new to the host that it used recently (Beacons.forEachRecent).
   * The services are walked once: the periods of
   * each host's alive periodic services (judged or not) must all be known
   * before any service's weight can count those sharing its period.
   */
  private weighBeacons(w: PartialWindow, end: number, best: Float64Array, rareContact: Float64Array): void {
    const alive = this.alive;
    const aliveTiming = this.aliveTiming;
    const recent = this.recent;
    const recentPeriod = this.recentPeriod;
    alive.length = 0;
    aliveTiming.length = 0;
    recent.length = 0;
    recentPeriod.length = 0;
    const periods = new Map<number, number[]>();
    this.beacons.forEachRecent(end, (keys, at, timing, period, periodic, isAlive, novel, hostHash) => {
      const h = w.hosts.find(keys, at, hostHash);
      if (h < 0) return;
      const scheduled = isAlive && periodic;
      if (novel) {
        recent.push(h, at);
        recentPeriod.push(scheduled ? period : 0);
      }
      if (!scheduled) return;
      // Timing is regularity times factors of at most 1, so a service that can score is periodic and counts itself.
      if (timing >= BEACON_MIN) {
        alive.push(h, at);
        aliveTiming.push(timing, period);
      }
      const list = periods.get(h);
      if (list === undefined) periods.set(h, [period]);
      else list.push(period);
    });
    const history = this.history;
    const keys = this.beacons.keys;
    /** The schedule weight of a service of host h whose period is `period` (s). */
    const share = (h: number, period: number) => schedule((periods.get(h) as number[]).reduce((n, p) => (Math.abs(p - period) <= SAME_PERIOD * Math.max(p, period) ? n + 1 : n), 0));
    for (let i = 0; i < alive.length; i += 2) {
      const h = alive[i];
      const at = alive[i + 1];
      const timing = aliveTiming[i];
      // The history's two factors are at most 1 and products round monotonically, so timing × share bounds the score:
      // below BEACON_MIN or the host's best so far, the history lookups cannot change best.
      const weight = share(h, aliveTiming[i + 1]);
      const bound = timing * weight;
      if (bound < BEACON_MIN || bound <= best[h * CROSS + 3]) continue;
      const score = timing * (history.isNew(keys, at) ? 1 : KNOWN_SERVICE_WEIGHT) * rarity(history.prevalence(keys, at), history.hostCount) * weight;
      if (score >= BEACON_MIN && score > best[h * CROSS + 3]) best[h * CROSS + 3] = score;
    }
    for (let i = 0; i < recent.length; i += 2) {
      const h = recent[i];
      const at = recent[i + 1];
      const period = recentPeriod[i >> 1];
      // Rarity and the schedule weight are at most 1: a host at 1 cannot rise.
      if (rareContact[h] >= 1) continue;
      const contact = rarity(history.prevalence(keys, at), history.hostCount) * (period > 0 ? share(h, period) : 1);
      if (contact > rareContact[h]) rareContact[h] = contact;
    }
  }

  /**
   * Each host's repeated-sessions value (best[h * CROSS + 2]), in sessions per
   * hour: the highest over services fresh to it (new to the host, or the
   * host new to the network; a service of its history counts 0) of its
   * session run's count (SessionRuns) times min(1, duty / LOGIN_DUTY),
   * from RUN_MIN on, divided by the run's time constant. A service's
   * prevalence does not count: a login service many hosts use is what a
   * brute force goes for.
   */
  private sessionRuns(w: PartialWindow, end: number, best: Float64Array): void {
    const history = this.history;
    this.runs.forEachActive(end, (keys, at, count, _period, duty) => {
      const h = w.hosts.find(keys, at);
      if (h < 0 || !(duty > 0) || count < RUN_MIN || !history.isFresh(keys, at)) return;
      const weighted = count * Math.min(1, duty / LOGIN_DUTY);
      if (weighted >= RUN_MIN) best[h * CROSS + 2] = Math.max(best[h * CROSS + 2], (weighted * 3600) / RUNS_DECAY_SECONDS);
    });
  }

  /** Sets best[h * CROSS + 4] of each host h of w to its longest upload run to a fresh service heard this window, and empties the table. */
  private freshUploads(w: PartialWindow, best: Float64Array): void {
    const uploads = this.uploads;
    for (let e = 0; e < uploads.size; e++) {
      const h = w.hosts.find(uploads.keys, e * HOST_KEY);
      if (h >= 0) best[h * CROSS + 4] = this.uploadSeconds[e];
    }
    uploads.clear();
  }

  /** Counts the verdicts on partial p's carried flows for the hosts that carried them and have a row now. */
  private judgeCarried(w: PartialWindow, p: PartialWindow): void {
    if (this.carrying.size === 0) return;
    for (let i = 0; i < p.carriedCount; i++) {
      if (this.carrying.find(p.carriedKeys, i * HOST_KEY) < 0) continue;
      const h = w.hosts.find(p.carriedKeys, i * HOST_KEY);
      if (h < 0) continue;
      w.counters[h * N_COUNTERS + C.EXPECTING]++;
      if (p.carriedFailed[i] === 0) continue;
      w.counters[h * N_COUNTERS + C.FAILED]++;
      w.sketches[SKETCH.FAILED_PORTS].add(h, mix32(p.carriedServices[i] ^ FAILED_PORT_SEED));
    }
  }

  /**
   * Decides for each host with late flows: a host with no failure in the
   * window and fewer than LATE_BURST late flows has them judged with the next
   * window; otherwise (more of the same: a scan or flood across the boundary)
   * they failed now.
   */
  private judgeLate(w: PartialWindow): void {
    const next = this.nextCarrying;
    next.clear();
    for (let e = 0; e < w.highWater; e++) {
      if (w.stamp[e] === 0) continue;
      const a = e * N_COUNTERS;
      const c = w.counters;
      // A refusal of an attempt carried from the previous window counts in this one.
      if (c[a + C.CARRIED_RST] > 0 && this.carrying.find(w.hosts.keys, e * HOST_KEY) >= 0) c[a + C.RST] += c[a + C.CARRIED_RST];
      if (c[a + C.LATE] === 0) continue;
      if (c[a + C.FAILED] === 0 && c[a + C.LATE] < LATE_BURST && next.insert(w.hosts.keys, e * HOST_KEY) >= 0) {
        c[a + C.EXPECTING] -= c[a + C.LATE];
      } else {
        c[a + C.FAILED] += c[a + C.LATE_FLOWS];
        w.sketches[SKETCH.FAILED_PORTS].merge(e, w.sketches[SKETCH.LATE_PORTS], e);
      }
    }
    this.nextCarrying = this.carrying;
    this.carrying = next;
  }
}

/**
 * Hosts that sent anything as initiators get a row. Pure responders get one
 * only with material fan-in: servers contacted by a handful of clients
 * would otherwise outnumber the clients and make every ordinary client look
 * rare to the forest, while flood victims of spoofed sources need a row.
 */
function emitted(w: PartialWindow, e: number): boolean {
  const a = e * N_COUNTERS;
  return w.counters[a + C.PKTS_SENT] > 0 || (w.counters[a + C.INBOUND] >= MIN_FAN_IN && w.sketches[SKETCH.IN_SOURCES].estimate(e) >= MIN_FAN_IN);
}

/** The HostRow of one entry of a merged partial, repointed for each row. */
class Row implements HostRow {
  private w: PartialWindow | undefined;
  private e = 0;
  /** The entry's rounded sketch estimates, by sketch, NaN until first asked for (several features read one sketch). */
  private readonly estimates = new Float64Array(N_SKETCHES).fill(NaN);
  peakPacketRate = 0;
  regularity = 0;
  publicRegularity = 0;
  repeatedSessions = 0;
  beacon = 0;
  freshUploadSeconds = 0;

  /** Points at entry e of w, with its cross-window values: regularity, public regularity, repeated sessions, beacon, fresh upload seconds. */
  at(w: PartialWindow, e: number, cross: Float64Array): void {
    this.w = w;
    this.e = e;
    this.peakPacketRate = w.peak(e);
    this.regularity = cross[0];
    this.publicRegularity = cross[1];
    this.repeatedSessions = cross[2];
    this.beacon = cross[3];
    this.freshUploadSeconds = cross[4];
    this.estimates.fill(NaN);
  }

  count(c: Counter): number {
    return (this.w as PartialWindow).counters[this.e * N_COUNTERS + c];
  }

  distinct(s: Sketch, cap: number): number {
    // An estimate is never negative, so a cap of 0 (nothing counted) is the answer without one.
    if (cap <= 0) return cap;
    let estimate = this.estimates[s];
    if (Number.isNaN(estimate)) {
      const bank: HllBank = (this.w as PartialWindow).sketches[s];
      estimate = Math.round(bank.estimate(this.e));
      this.estimates[s] = estimate;
    }
    return Math.min(cap, estimate);
  }
}
