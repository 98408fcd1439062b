import { AnomalyRing } from '../alerts/anomaly-ring.js';
import { HostBaselines } from '../alerts/host-baselines.js';
import { Incidents } from '../alerts/incidents.js';
import { TopHosts } from '../alerts/top-hosts.js';
import { HostWindows, type WindowBatch } from '../features/host-windows.js';
import { FEATURE_NAMES, N_FEATURES } from '../features/schema.js';
import { CATEGORIES, SEVERITIES, type Anomaly } from '../model/anomaly.js';
import { Detector, type DetectorModel, type DetectorOptions } from '../model/detector.js';
import { HostDeviation } from '../model/host-deviation.js';
import type { ModelContext } from '../model/types.js';
import { SCORE_BUCKETS, type ScoringView } from '../metrics/scoring-view.js';

/** Settings of the scoring stages. */
export interface ScoringConfig {
  /** Window length in seconds. */
  windowSeconds: number;
  /** Most hosts tracked per window. */
  maxHosts: number;
  /** Services (host, destination, protocol/port) the host history remembers (default DEFAULT_HISTORY_SIZE). */
  historySize?: number;
  /** First sightings each admission filter of the cross-window tables remembers (default DEFAULT_DOORKEEPER_SLOTS). */
  doorkeeperSlots?: number;
  /** Flow-table size (flow slots index per-flow feature state). */
  flowMax: number;
  /** Detector settings (the schema is the host-window features', windowSeconds is taken from above). */
  detector: Omit<DetectorOptions, 'schema' | 'windowSeconds'>;
  /** A loaded model to score with from the first window. */
  model?: DetectorModel;
  /** Anomalies kept for /api/anomalies. */
  ringSize: number;
  /** Hosts in the top-k gauge. */
  topK: number;
  /** How long a flagged host stays in the top-k, in seconds. */
  holdSeconds: number;
  /** Unflagged windows that may separate two windows of one incident. */
  incidentGap: number;
  /** Most open incidents. */
  maxOpenIncidents: number;
  /** Most closed incidents kept. */
  maxClosedIncidents: number;
  /** Most hosts whose own baseline is kept for incident explanations. */
  baselineHosts: number;
}

/** Receives every scored window: the batch, the score of each row and the threshold it was held to (rows above theirs are flagged). */
export type ScoresListener = (batch: WindowBatch, scores: Float64Array, thresholds: Float64Array) => void;

/** Receives every closed window after the detector saw it, with the seconds that took (an in-line fit included). */
export type WindowListener = (batch: WindowBatch, seconds: number) => void;

/**
 * Features, detector and anomaly outputs: turns packets and finished flows
 * into scored host-windows and anomalies, and keeps the aggregates the
 * metrics read at scrape time.
 */
export class Scoring implements ScoringView {
  /** Per-host window features. */
  readonly windows: HostWindows;
  /** The detector and its model lifecycle. */
  readonly detector: Detector;
  /** Per-host baselines and the deviation of each row from its host's own history. */
  readonly hostDeviation: HostDeviation;
  /** Recent anomalies. */
  readonly ring: AnomalyRing;
  /** Most anomalous recent hosts. */
  readonly top: TopHosts;
  /** Each host's own baseline over its unflagged windows. */
  readonly baselines: HostBaselines;
  /** Anomalies merged into incidents. */
  readonly incidents: Incidents;
  /** Windows scored (host-window rows). */
  windowsScored = 0;
  /** Score histogram counts by SCORE_BUCKETS index (last: +Inf). */
  readonly scoreBuckets = new Float64Array(SCORE_BUCKETS.length + 1);
  /** Sum of scores (a typed array: a field that starts as a small integer and turns fractional changes the object's map, and every optimised function that reads it deoptimises). */
  private readonly scoreTotal = new Float64Array(1);
  /** Anomalies by `severity * CATEGORIES.length + category`. */
  readonly anomalies = new Float64Array(SEVERITIES.length * CATEGORIES.length);
  /** featureStats' values, as of statsRows' window once that has been folded in. */
  private readonly stats = new Float64Array(N_FEATURES * 3);
  /**
   * Raw rows of the last closed window with a host, until featureStats folds
   * them into `stats`: only a scrape reads the statistics, so windows no
   * scrape follows cost nothing. A batch's rows are not written after its
   * window closed, so holding the array is holding the window's values.
   */
  private statsRows: Float64Array | undefined;
  private statsCount = 0;
  /** True while a closed window is scored and handed to the listeners; an exception leaves it set, for attribution. */
  scoringWindow = false;
  private readonly scoreListeners: ScoresListener[] = [];
  private readonly anomalyListeners: ((a: Anomaly) => void)[] = [];
  private readonly windowListeners: WindowListener[] = [];

  private readonly windowSeconds: number;

  constructor(config: ScoringConfig) {
    this.windowSeconds = config.windowSeconds;
    this.ring = new AnomalyRing(config.ringSize);
    this.top = new TopHosts(config.topK, config.holdSeconds);
    this.baselines = new HostBaselines(config.baselineHosts, N_FEATURES);
    const column = new Map(FEATURE_NAMES.map((name, f) => [name, f]));
    this.incidents = new Incidents({
      windowSeconds: config.windowSeconds,
      gapWindows: config.incidentGap,
      maxOpen: config.maxOpenIncidents,
      maxClosed: config.maxClosedIncidents,
      hostBaseline: (host, feature) => {
        const f = column.get(feature);
        return f === undefined ? undefined : this.baselines.mean(host, f);
      },
    });
    this.windows = new HostWindows(
      { windowSeconds: config.windowSeconds, maxHosts: config.maxHosts, flowMax: config.flowMax, historySize: config.historySize, doorkeeperSlots: config.doorkeeperSlots },
      (batch) => this.window(batch),
    );
    // A host's own threshold is fitted as the global one: same tail model, same false-alarm rate (one window per host per day).
    const d = config.detector;
    this.hostDeviation = new HostDeviation(config.maxHosts, N_FEATURES, { falseAlarmRate: d.falseAlarmRate ?? config.windowSeconds / 86_400, tail: d.tail });
    const history = this.windows.history;
    const deviation = this.hostDeviation;
    // The host history and baselines travel with every model, so a trained or restored model brings what it was fitted with.
    const context: ModelContext = {
      toDoc: () => ({ history: history.toDoc(), baselines: deviation.toDoc() }),
      restore: (doc) => {
        const d = doc as { history?: unknown; baselines?: unknown };
        history.restore(d.history);
        deviation.restore(d.baselines);
      },
    };
    // The model's score and the per-host deviation combine in HostDeviation.combine; another RowCombiner can replace it here.
    this.detector = new Detector({ ...config.detector, schema: FEATURE_NAMES, windowSeconds: config.windowSeconds, context, combiner: deviation }, (a) => this.anomaly(a), config.model);
  }

  /** Sum of scores. */
  get scoreSum(): number {
    return this.scoreTotal[0];
  }

  /** Registers a consumer of scored windows (scores CSV, evaluation). */
  onScores(listener: ScoresListener): void {
    this.scoreListeners.push(listener);
  }

  /** Registers a consumer of anomalies (anomaly log). */
  onAnomaly(listener: (a: Anomaly) => void): void {
    this.anomalyListeners.push(listener);
  }

  /** Registers a consumer of every closed window, called after the detector has seen it (warming or scoring). */
  onWindow(listener: WindowListener): void {
    this.windowListeners.push(listener);
  }

  /**
   * Closes the window that ended by `ts` (packet or wall time), then the
   * incidents no later window can join: every window that started a window
   * before `ts` has been scored, so silence (windows without a host, which
   * yield no batch) still ends incidents.
   */
  advance(ts: number): void {
    this.windows.advance(ts);
    this.incidents.windowClosed(ts - this.windowSeconds);
  }

  /** Closes the last windows and then every open incident: the input has ended. */
  finish(): void {
    this.windows.flush();
    this.incidents.closeAll();
  }

  private window(batch: WindowBatch): void {
    this.scoringWindow = true;
    const started = performance.now();
    this.score(batch);
    this.incidents.windowClosed(batch.start);
    const seconds = (performance.now() - started) / 1000;
    for (const l of this.windowListeners) l(batch, seconds);
    this.scoringWindow = false;
  }

  private score(batch: WindowBatch): void {
    const n = batch.hosts.length;
    if (n > 0) {
      this.statsRows = batch.raw;
      this.statsCount = n;
    }
    this.top.expire(batch.end);
    const scores = this.detector.process(batch);
    if (scores === null) return;
    this.windowsScored += n;
    for (let i = 0; i < n; i++) {
      const s = scores[i];
      let b = 0;
      while (b < SCORE_BUCKETS.length && s > SCORE_BUCKETS[b]) b++;
      this.scoreBuckets[b]++;
      this.scoreTotal[0] += s;
    }
    const thresholds = this.detector.rowThresholds;
    this.baselines.observe(batch.hosts, batch.raw, scores, thresholds);
    for (const l of this.scoreListeners) l(batch, scores, thresholds);
  }

  private anomaly(a: Anomaly): void {
    this.anomalies[SEVERITIES.indexOf(a.severity) * CATEGORIES.length + CATEGORIES.indexOf(a.category)]++;
    this.ring.push(a);
    this.top.observe(a);
    for (const l of this.anomalyListeners) l(a);
    // After the listeners, so that the anomaly log has a window's line before the incident line it causes.
    this.incidents.observe(a);
  }

  /** p50, p99 and max of each raw feature over the hosts of the last closed window that had any (all 0 before one). */
  get featureStats(): Float64Array {
    const raw = this.statsRows;
    if (raw !== undefined) {
      this.statsRows = undefined;
      const n = this.statsCount;
      const col = new Float64Array(n);
      for (let f = 0; f < N_FEATURES; f++) {
        for (let i = 0; i < n; i++) col[i] = raw[i * N_FEATURES + f];
        col.sort();
        this.stats[f * 3] = col[Math.floor(0.5 * (n - 1))];
        this.stats[f * 3 + 1] = col[Math.floor(0.99 * (n - 1))];
        this.stats[f * 3 + 2] = col[n - 1];
      }
    }
    return this.stats;
  }

  /** Feature names, in featureStats order. */
  get featureNames(): readonly string[] {
    return FEATURE_NAMES;
  }
}
