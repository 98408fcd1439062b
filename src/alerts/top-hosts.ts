import type { Peer } from '../features/peer-table.js';
import type { Anomaly, AnomalyCategory, FeatureContribution, Severity } from '../model/anomaly.js';

/** One host of `TopHosts.entries()`: its latest anomaly within the hold time. */
export interface TopHost {
  /** Source host address in text form. */
  host: string;
  /** Score of the host's latest anomaly. */
  score: number;
  /** Category of that anomaly. */
  category: AnomalyCategory;
  /** Severity of that anomaly. */
  severity: Severity;
  /** Top contributing features of that anomaly, most important first. */
  top_features: FeatureContribution[];
  /** The destinations the host sent most packets to in that anomaly's window. */
  peers: Peer[];
}

/** How many candidates are kept per reported entry, so expiring leaders can be replaced. */
const CANDIDATES_PER_ENTRY = 4;

/**
 * The k most anomalous hosts, for `netscore_top_host_anomaly_score{host,category,severity}`.
 * Each host is represented by its latest anomaly until `holdSeconds` after
 * that anomaly's window ends. Memory is bounded: at most 4×k hosts are kept,
 * and a new host past that evicts the lowest-scoring (then oldest) candidate.
 */
export class TopHosts {
  private readonly byHost = new Map<string, Anomaly>();
  private entriesReported = 0;
  private hold = 0;

  /**
   * @param k number of entries reported
   * @param holdSeconds how long after its window ends an anomaly keeps its host listed
   */
  constructor(k = 10, holdSeconds = 300) {
    this.configure(k, holdSeconds);
  }

  /** Number of entries reported. */
  get k(): number {
    return this.entriesReported;
  }

  /** How long after its window ends an anomaly keeps its host listed, in seconds. */
  get holdSeconds(): number {
    return this.hold;
  }

  /** Changes k and the hold time; a smaller k evicts the weakest candidates beyond 4×k. */
  configure(k: number, holdSeconds: number): void {
    if (!Number.isInteger(k) || k < 1) throw new RangeError(`top hosts k must be a positive integer, got ${k}`);
    if (!(holdSeconds >= 0)) throw new RangeError(`top hosts holdSeconds must be non-negative, got ${holdSeconds}`);
    this.entriesReported = k;
    this.hold = holdSeconds;
    while (this.byHost.size > this.capacity) this.byHost.delete(this.weakest().host);
  }

  /** Most candidate hosts kept. */
  private get capacity(): number {
    return CANDIDATES_PER_ENTRY * this.entriesReported;
  }

  /** Number of candidate hosts held (at most 4×k). */
  get size(): number {
    return this.byHost.size;
  }

  /** Records `a` as its host's latest anomaly, unless the host already has a later window. */
  observe(a: Anomaly): void {
    const held = this.byHost.get(a.host);
    if (held !== undefined) {
      if (a.window_start >= held.window_start) this.byHost.set(a.host, a);
      return;
    }
    if (this.byHost.size >= this.capacity) {
      const victim = this.weakest();
      // A newcomer weaker than every candidate would itself be the one evicted.
      if (outranks(victim, a)) return;
      this.byHost.delete(victim.host);
    }
    this.byHost.set(a.host, a);
  }

  /** Drops hosts whose latest anomaly's window ended `holdSeconds` or more before `nowTs` (epoch seconds). */
  expire(nowTs: number): void {
    for (const [host, a] of this.byHost) {
      if (a.window_end + this.holdSeconds <= nowTs) this.byHost.delete(host);
    }
  }

  /** The k highest-scoring hosts, highest first (ties: newer window, then host). */
  entries(): TopHost[] {
    return [...this.byHost.values()]
      .sort((x, y) => (outranks(x, y) ? -1 : outranks(y, x) ? 1 : x.host < y.host ? -1 : x.host > y.host ? 1 : 0))
      .slice(0, this.k)
      .map(({ host, score, category, severity, top_features, peers }) => ({ host, score, category, severity, top_features, peers }));
  }

  /** The candidate every other one outranks; only called when candidates are held. */
  private weakest(): Anomaly {
    let weakest: Anomaly | undefined;
    for (const a of this.byHost.values()) {
      if (weakest === undefined || outranks(weakest, a)) weakest = a;
    }
    return weakest!;
  }
}

/** True when `x` ranks strictly above `y`: a higher score, or an equal score from a newer window. */
function outranks(x: Anomaly, y: Anomaly): boolean {
  return x.score > y.score || (x.score === y.score && x.window_start > y.window_start);
}
