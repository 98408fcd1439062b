import type { Peer } from '../features/peer-table.js';
import { PEERS_SHOWN } from '../features/peer-table.js';
import { CATEGORIES, SEVERITIES, type Anomaly, type AnomalyCategory, type FeatureContribution, type Severity } from '../model/anomaly.js';

/** A top feature of an incident: the host's value, the population's median and the host's own baseline. */
export interface IncidentFeature extends FeatureContribution {
  /** Mean of the raw feature over the host's recent unflagged windows; null when the host has none. */
  host_baseline: number | null;
}

/** Related anomalous host-windows, merged. Field names are the JSON names of `/api/incidents` and the anomaly log. */
export interface Incident {
  /** Sequence number, unique for the process's lifetime, from 1. */
  id: number;
  /** open while a related flagged window can still join, closed after. */
  state: 'open' | 'closed';
  /** Start of the first window, seconds since the epoch. */
  start: number;
  /** End (exclusive) of the last window, seconds since the epoch. */
  end: number;
  /** Flagged host-windows merged. */
  windows: number;
  /** Source hosts of those windows, first seen first (at most HOSTS_NAMED). */
  hosts: string[];
  /** True when more hosts joined than `hosts` names. */
  hosts_truncated: boolean;
  /** Category of the highest-scoring window that is not `other` (`other` when all are). */
  category: AnomalyCategory;
  /** From category, peak, duration and spread (docs/detection.md, "Incidents"). */
  severity: Severity;
  /** Highest score of a merged window. */
  peak_score: number;
  /** Host of the peak window. */
  peak_host: string;
  /** Start of the peak window, seconds since the epoch. */
  peak_window: number;
  /** Top features of the peak window, with the peak host's own baseline. */
  top_features: IncidentFeature[];
  /** Destinations (address, port) the hosts sent most packets to over the merged windows, most first (at most PEERS_SHOWN). */
  peers: Peer[];
  /** Destination addresses the hosts sent most packets to, most first (at most VICTIMS_NAMED). */
  victims: string[];
}

/** Renders incident features as one line, e.g. `dst_ports=812 (host 3, median 3)`; the host part is left out when unknown. */
export function describeIncidentFeatures(top: readonly IncidentFeature[]): string {
  const round = (v: number) => (Number.isInteger(v) ? String(v) : v.toPrecision(3));
  return top.map((f) => `${f.feature}=${round(f.value)} (${f.host_baseline === null ? '' : `host ${round(f.host_baseline)}, `}median ${round(f.median)})`).join(', ');
}

/** What happened to an incident: it opened, changed (category, severity, hosts or victims) or closed. */
export type IncidentEvent = 'open' | 'update' | 'close';

/** Settings of Incidents. */
export interface IncidentOptions {
  /** Window length in seconds. */
  windowSeconds: number;
  /** Unflagged windows that may separate two windows of one incident. */
  gapWindows: number;
  /** Most open incidents; opening one more closes the least recently active early. */
  maxOpen: number;
  /** Most closed incidents kept for the API and the page; older ones are forgotten. */
  maxClosed: number;
  /** The host's own baseline of raw feature `feature`, if known. */
  hostBaseline: (host: string, feature: string) => number | undefined;
}

/** Hosts an incident names. */
const HOSTS_NAMED = 16;
/** Victim addresses an incident names. */
const VICTIMS_NAMED = 10;
/** Victim addresses whose packet counts an incident keeps (space-saving, like the peer table). */
const VICTIM_SLOTS = 32;
/** Destinations (address, port) whose packet counts an incident keeps. */
const PEER_SLOTS = 32;
/** Victims of an incident that another host's window must hit to join it. */
const VICTIMS_MATCHED = 3;
/** A window's peer counts as a target when it got at least this share of the packets of the window's top peer. */
const TARGET_SHARE = 0.5;

/** Incident duration (seconds) from which severity rises by one point. */
const LONG_SECONDS = 300;
/** Incident duration (seconds) from which severity rises by one more point. */
const VERY_LONG_SECONDS = 1800;
/** Hosts from which an incident counts as spread. */
const SPREAD_HOSTS = 2;
/** Victim addresses from which an incident counts as spread. */
const SPREAD_VICTIMS = 5;
/** Severity points of each category. */
const CATEGORY_POINTS: Readonly<Record<AnomalyCategory, number>> = {
  scan: 2,
  flood: 2,
  'dns-tunnel': 2,
  tunnel: 2,
  'brute-force': 2,
  beacon: 1,
  exfiltration: 1,
  other: 0,
};
/** Points from which an incident is critical. */
const CRITICAL_POINTS = 3;

/**
 * Severity of an incident (docs/detection.md, "Incidents"): points for the
 * category (2 for an attack shape, 1 for beacon and exfiltration, 0 for
 * other), 1 for a critical peak window, 1 for lasting 5 minutes and 1 more
 * for 30, 1 for spread (2 hosts or 5 victim addresses); critical from 3
 * points, never for `other`.
 */
export function incidentSeverity(category: AnomalyCategory, peakCritical: boolean, seconds: number, hosts: number, victims: number): Severity {
  if (category === 'other') return 'warning';
  const points =
    CATEGORY_POINTS[category] +
    (peakCritical ? 1 : 0) +
    (seconds >= LONG_SECONDS ? 1 : 0) +
    (seconds >= VERY_LONG_SECONDS ? 1 : 0) +
    (hosts >= SPREAD_HOSTS || victims >= SPREAD_VICTIMS ? 1 : 0);
  return points >= CRITICAL_POINTS ? 'critical' : 'warning';
}

/** An open incident with the state its merging needs. */
interface Open {
  incident: Incident;
  /** A window starting at or before this joins (end of the last window plus the allowed gap). */
  deadline: number;
  /** The highest-scoring window and the highest-scoring one that is not `other`. */
  peak: Anomaly;
  categoryPeak: Anomaly | undefined;
  hostSet: Set<string>;
  /** Packets per victim address and per destination (address and port), bounded. */
  victimPackets: Map<string, number>;
  peerPackets: Map<string, number>;
  /** The destination of each key of peerPackets. */
  peerOf: Map<string, Omit<Peer, 'packets'>>;
}

/**
 * Merges anomalies into incidents. A flagged window joins an open incident
 * when it starts at most `gapWindows` unflagged windows after the incident's
 * last window and it is related: the same host, or a host whose targets
 * (peers with at least half the packets of its top peer) include one of the
 * incident's top 3 victim addresses, or a host that is one of those victims,
 * or a window whose targets include one of the incident's hosts. A window
 * joins the oldest related incident; incidents never merge with each other.
 * Windows must arrive in window order (the detector's order); `windowClosed`
 * closes the incidents no later window can join.
 */
export class Incidents {
  private readonly open = new Map<number, Open>();
  /** Closed incidents, oldest first (at most maxClosed). */
  private readonly closed: Incident[] = [];
  private nextId = 1;
  private readonly listeners: ((event: IncidentEvent, incident: Incident) => void)[] = [];
  /** Open incidents closed early because the open table was full. */
  closedEarly = 0;
  /** Closed incidents forgotten because the closed list was full. */
  forgotten = 0;
  /** Closed incidents by `severity * CATEGORIES.length + category` (final values). */
  readonly closedCounts = new Float64Array(SEVERITIES.length * CATEGORIES.length);

  constructor(private readonly opts: IncidentOptions) {
    for (const k of ['gapWindows', 'maxOpen', 'maxClosed'] as const) {
      const v = opts[k];
      if (!Number.isInteger(v) || v < (k === 'gapWindows' ? 0 : 1)) throw new RangeError(`incidents ${k} must be an integer ≥ ${k === 'gapWindows' ? 0 : 1}, got ${v}`);
    }
  }

  /** Registers a consumer of incident events (anomaly log, metrics); it gets a snapshot. */
  onEvent(listener: (event: IncidentEvent, incident: Incident) => void): void {
    this.listeners.push(listener);
  }

  /** Open incidents held. */
  get openCount(): number {
    return this.open.size;
  }

  /** Merges one flagged window into its related open incident, or opens one. */
  observe(a: Anomaly): void {
    const o = this.related(a);
    if (o === undefined) {
      this.openWith(a);
      return;
    }
    const inc = o.incident;
    const before = `${inc.category} ${inc.severity} ${inc.hosts.length} ${inc.victims.join(',')}`;
    inc.windows++;
    inc.start = Math.min(inc.start, a.window_start);
    inc.end = Math.max(inc.end, a.window_end);
    o.deadline = inc.end + this.opts.gapWindows * this.opts.windowSeconds;
    if (!o.hostSet.has(a.host)) {
      o.hostSet.add(a.host);
      if (inc.hosts.length < HOSTS_NAMED) inc.hosts.push(a.host);
      else inc.hosts_truncated = true;
    }
    if (a.score > o.peak.score) this.setPeak(o, a);
    if (a.category !== 'other' && (o.categoryPeak === undefined || a.score > o.categoryPeak.score)) o.categoryPeak = a;
    this.addPeers(o, a);
    this.describe(o);
    const after = `${inc.category} ${inc.severity} ${inc.hosts.length} ${inc.victims.join(',')}`;
    if (after !== before) this.emit('update', inc);
  }

  /** Closes the incidents that no window after the one starting at `windowStart` can join. */
  windowClosed(windowStart: number): void {
    for (const o of this.open.values()) if (windowStart >= o.deadline) this.close(o);
  }

  /** Closes every open incident (end of input, shutdown). */
  closeAll(): void {
    for (const o of this.open.values()) this.close(o);
  }

  /** Open incidents then closed ones, each group newest first (by end, then id). */
  list(): Incident[] {
    const newest = (x: Incident, y: Incident) => y.end - x.end || y.id - x.id;
    return [...[...this.open.values()].map((o) => o.incident).sort(newest), ...[...this.closed].sort(newest)];
  }

  /** The open incidents, critical first, then by peak score (higher first), then newer. */
  ranked(): Incident[] {
    return [...this.open.values()]
      .map((o) => o.incident)
      .sort((x, y) => (x.severity === y.severity ? 0 : x.severity === 'critical' ? -1 : 1) || y.peak_score - x.peak_score || y.id - x.id);
  }

  /** The oldest open incident related to `a` that it can still join. */
  private related(a: Anomaly): Open | undefined {
    const targets = targetsOf(a);
    let byVictim: Open | undefined;
    for (const o of this.open.values()) {
      if (a.window_start > o.deadline) continue;
      if (o.hostSet.has(a.host)) return o;
      if (byVictim !== undefined) continue;
      const victims = o.incident.victims.slice(0, VICTIMS_MATCHED);
      if (victims.includes(a.host) || victims.some((v) => targets.has(v)) || o.incident.hosts.some((h) => targets.has(h))) byVictim = o;
    }
    return byVictim;
  }

  private openWith(a: Anomaly): void {
    if (this.open.size >= this.opts.maxOpen) {
      let stalest: Open | undefined;
      for (const o of this.open.values()) if (stalest === undefined || o.deadline < stalest.deadline) stalest = o;
      this.closedEarly++;
      this.close(stalest!);
    }
    const incident: Incident = {
      id: this.nextId++,
      state: 'open',
      start: a.window_start,
      end: a.window_end,
      windows: 1,
      hosts: [a.host],
      hosts_truncated: false,
      category: a.category,
      severity: 'warning',
      peak_score: a.score,
      peak_host: a.host,
      peak_window: a.window_start,
      top_features: [],
      peers: [],
      victims: [],
    };
    const o: Open = {
      incident,
      deadline: a.window_end + this.opts.gapWindows * this.opts.windowSeconds,
      peak: a,
      categoryPeak: a.category === 'other' ? undefined : a,
      hostSet: new Set([a.host]),
      victimPackets: new Map(),
      peerPackets: new Map(),
      peerOf: new Map(),
    };
    this.open.set(incident.id, o);
    this.setPeak(o, a);
    this.addPeers(o, a);
    this.describe(o);
    this.emit('open', incident);
  }

  /** Adds the window's peers to the incident's bounded victim and destination counts. */
  private addPeers(o: Open, a: Anomaly): void {
    for (const p of a.peers) {
      addBounded(o.victimPackets, p.address, p.packets, VICTIM_SLOTS);
      const key = `${p.address} ${p.port ?? ''}`;
      const evicted = addBounded(o.peerPackets, key, p.packets, PEER_SLOTS);
      if (evicted !== undefined) o.peerOf.delete(evicted);
      o.peerOf.set(key, p.port === undefined ? { address: p.address } : { address: p.address, port: p.port });
    }
  }

  /** Makes `a` the incident's peak window, explaining its features with the host's own baseline. */
  private setPeak(o: Open, a: Anomaly): void {
    o.peak = a;
    o.incident.peak_score = a.score;
    o.incident.peak_host = a.host;
    o.incident.peak_window = a.window_start;
    o.incident.top_features = a.top_features.map((f) => ({ ...f, host_baseline: this.opts.hostBaseline(a.host, f.feature) ?? null }));
  }

  /** Recomputes the derived fields: category, peers, victims and severity. */
  private describe(o: Open): void {
    const inc = o.incident;
    inc.category = o.categoryPeak?.category ?? 'other';
    inc.peers = mostFirst(o.peerPackets, PEERS_SHOWN).map(([key, packets]) => ({ ...o.peerOf.get(key)!, packets }));
    inc.victims = mostFirst(o.victimPackets, VICTIMS_NAMED).map(([v]) => v);
    const peakCritical = o.peak.severity === 'critical' || o.categoryPeak?.severity === 'critical';
    const escalated = incidentSeverity(inc.category, peakCritical, inc.end - inc.start, o.hostSet.size, o.victimPackets.size);
    // Severity only rises within an incident: a later, milder window does not calm it.
    if (inc.severity !== 'critical') inc.severity = escalated;
  }

  private close(o: Open): void {
    this.open.delete(o.incident.id);
    o.incident.state = 'closed';
    this.closedCounts[SEVERITIES.indexOf(o.incident.severity) * CATEGORIES.length + CATEGORIES.indexOf(o.incident.category)]++;
    this.closed.push(o.incident);
    if (this.closed.length > this.opts.maxClosed) {
      this.closed.shift();
      this.forgotten++;
    }
    this.emit('close', o.incident);
  }

  private emit(event: IncidentEvent, incident: Incident): void {
    if (this.listeners.length === 0) return;
    const snapshot = structuredClone(incident);
    for (const l of this.listeners) l(event, snapshot);
  }
}

/** Addresses of the window's peers that got at least TARGET_SHARE of the packets of its top peer. */
function targetsOf(a: Anomaly): Set<string> {
  const top = a.peers.reduce((m, p) => Math.max(m, p.packets), 0);
  return new Set(a.peers.filter((p) => p.packets >= TARGET_SHARE * top).map((p) => p.address));
}

/**
 * Adds `packets` to `key`; when the map is full, a new key replaces the
 * smallest entry and inherits its count (space-saving, as the peer table).
 * Returns the key replaced, if any.
 */
function addBounded(m: Map<string, number>, key: string, packets: number, slots: number): string | undefined {
  const held = m.get(key);
  if (held !== undefined) {
    m.set(key, held + packets);
    return undefined;
  }
  let smallest: string | undefined;
  let inherited = 0;
  if (m.size >= slots) {
    inherited = Infinity;
    for (const [k, v] of m) {
      if (v < inherited) {
        inherited = v;
        smallest = k;
      }
    }
    m.delete(smallest!);
  }
  m.set(key, inherited + packets);
  return smallest;
}

/** The `n` entries with the most packets, most first (ties: key order). */
function mostFirst(m: Map<string, number>, n: number): [string, number][] {
  return [...m.entries()].sort((x, y) => y[1] - x[1] || (x[0] < y[0] ? -1 : x[0] > y[0] ? 1 : 0)).slice(0, n);
}
