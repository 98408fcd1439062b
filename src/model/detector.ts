import type { WindowBatch } from '../features/host-windows.js';
import type { Anomaly } from './anomaly.js';
import { categorize, severityOf } from './categorize.js';
import { blendScore, liftTowardThreshold, rangeExcess, topFeatures, zScores } from './explain.js';
import { DEFAULT_FAMILY, modelFamily } from './families.js';
import { fitModel } from './fit-model.js';
import { Reservoir } from './reservoir.js';
import type { ThresholdOptions } from './threshold.js';
import type { DetectorModel, FitJob, Fitter, ModelContext, RowCombiner } from './types.js';

export type { DetectorModel } from './types.js';

/** Detector options; everything but schema and windowSeconds has a default. */
export interface DetectorOptions extends ThresholdOptions {
  /** Feature names of the rows, in column order; its length is the row width. */
  schema: readonly string[];
  /** Window length in seconds (for per-second rules in categories). */
  windowSeconds: number;
  /** Packet time collected before the first fit (default 600). */
  warmupSeconds?: number;
  /** Packet time between refits on the reservoir (default 3600). */
  retrainIntervalSeconds?: number;
  /** Unflagged rows kept for refits (default 20 000). */
  reservoirSize?: number;
  /** Fewest rows a fit needs; warm-up lasts until there are this many (default 64). */
  minTrainingRows?: number;
  /** Kind of the model family fitted (default iforest). */
  family?: string;
  /** Seed of fits and reservoir (default 1). */
  seed?: number;
  /** Top features reported per anomaly (default 5). */
  topFeatures?: number;
  /** Most anomalies reported per window, the highest scores first; the rest are only counted (default 100). */
  maxAnomaliesPerWindow?: number;
  /** One-sided windows with fewer packets than this are not flagged (default ONE_SIDED_MIN_PACKETS; 0 flags them): see Detector.isOneSided. */
  minOneSidedPackets?: number;
  /** State saved with every model and restored from a loaded or restored one (default none). */
  context?: ModelContext;
  /** A second scorer combined with the model's score of every row, learning from unflagged rows (default none). */
  combiner?: RowCombiner;
}

/**
 * Packets below which a host-window with no answer at all cannot be flagged.
 * Floods and unanswered scans send far more; the one-sided benign windows of
 * docs/detection.md (DHCP, a capture that misses the answers) send 2 to 11.
 */
export const ONE_SIDED_MIN_PACKETS = 16;
/** Features that carry evidence from earlier windows (periodic contact): a row with any of them is never too thin. */
const CROSS_WINDOW = ['connection_regularity', 'public_regularity', 'beacon_score', 'repeated_sessions'];

/** What a restart needs to carry on without a new warm-up: model, generation and training reservoir. */
export interface DetectorSnapshot {
  /** The current model (undefined while warming). */
  readonly model: DetectorModel | undefined;
  /** Models used so far. */
  readonly generation: number;
  /** Packet time of the first window seen (NaN before one). */
  readonly firstSeen: number;
  /** Reservoir rows, row-major, each the transformed vector then the raw values. */
  readonly reservoir: Float64Array;
  /** Rows offered to the reservoir since its last aging. */
  readonly offered: number;
}

/** Lifecycle state: collecting warm-up rows, or scoring with a model. */
export type DetectorState = 'warming' | 'scoring';

/**
 * Scores host-window batches and owns the model lifecycle. A given model
 * (trained offline on a chosen baseline) scores at once and is never
 * replaced. Otherwise the detector warms up on the first warmupSeconds of
 * packet time, fits, then scores and refits every retrainIntervalSeconds on a
 * reservoir of recent rows that were not flagged, so attacks never become
 * the baseline.
 */
export class Detector {
  private readonly opts: Required<Omit<DetectorOptions, keyof ThresholdOptions | 'context' | 'combiner'>> & ThresholdOptions & Pick<DetectorOptions, 'context' | 'combiner'>;
  private readonly reservoir: Reservoir;
  /** Values per row: the schema's length. */
  private readonly width: number;
  private readonly z: Float64Array;
  private readonly excess: Float64Array;
  private current: DetectorModel | undefined;
  private firstSeen = NaN;
  private generationCount = 0;
  private suppressedCount = 0;
  private oneSidedCount = 0;
  /** Columns of packets_sent, packets_received, unreachables_received, failed_flows, then the cross-window ones (-1 when the schema lacks one: the rule is off). */
  private readonly evidence: readonly number[];
  private thresholds = new Float64Array(0);
  /** False for a loaded model: it was fitted on a chosen baseline, which a reservoir of live rows must not replace. */
  private readonly online: boolean;
  private background: { fitter: Fitter; onError: (err: Error) => void } | undefined;
  private fitting = false;
  /**
   * Training rows of the fit in progress, allocated once at the reservoir's
   * capacity and shared with a worker thread rather than copied to it. Only
   * one fit runs at a time, and job() writes them only when none is running.
   */
  private jobRows: { vectors: Float64Array; raw: Float64Array } | undefined;

  /** @param onAnomaly receives each flagged host-window; @param model a loaded model to score with at once. */
  constructor(
    opts: DetectorOptions,
    private readonly onAnomaly: (anomaly: Anomaly) => void,
    model?: DetectorModel,
  ) {
    this.opts = {
      warmupSeconds: 600,
      retrainIntervalSeconds: 3600,
      reservoirSize: 20_000,
      minTrainingRows: 64,
      family: DEFAULT_FAMILY,
      seed: 1,
      topFeatures: 5,
      maxAnomaliesPerWindow: 100,
      minOneSidedPackets: ONE_SIDED_MIN_PACKETS,
      ...opts,
    };
    const column = (name: string) => this.opts.schema.indexOf(name);
    this.evidence = [column('packets_sent'), column('packets_received'), column('unreachables_received'), column('failed_flows'), ...CROSS_WINDOW.map(column)];
    // An unknown family fails here rather than at the first fit, after the warm-up.
    modelFamily(this.opts.family);
    const width = this.opts.schema.length;
    this.width = width;
    if (model !== undefined && model.scorer.nFeatures !== width) {
      throw new RangeError(`model has ${model.scorer.nFeatures} features, the schema has ${width}`);
    }
    // Reservoir rows hold the transformed vector followed by the raw values.
    this.reservoir = new Reservoir(this.opts.reservoirSize, 2 * width, this.opts.seed);
    this.z = new Float64Array(width);
    this.excess = new Float64Array(width);
    this.online = model === undefined;
    if (model !== undefined) {
      this.current = model;
      this.generationCount = 1;
      this.restoreContext(model);
    }
  }

  /**
   * Fits from now on with `fitter` (a worker thread) while the current model
   * keeps scoring; each new model is swapped in when ready. Which window it
   * first scores then depends on timing, so this suits paced input (live
   * capture, paced replay), not reproducible batch runs. A failed fit is
   * reported to onError once, and later fits run synchronously again.
   */
  fitInBackground(fitter: Fitter, onError: (err: Error) => void): void {
    this.background = { fitter, onError };
  }

  /** 'warming' until a model exists, then 'scoring'. */
  get state(): DetectorState {
    return this.current === undefined ? 'warming' : 'scoring';
  }

  /** Models used so far: 0 while warming, 1 after the first fit or a loaded model, +1 per refit. */
  get generation(): number {
    return this.generationCount;
  }

  /** Packet time of the last fit (NaN before one, or for a loaded model without it). */
  get lastTrainedAt(): number {
    return this.current?.trainedAt ?? NaN;
  }

  /** Host-windows above the threshold that were not reported because their window reached maxAnomaliesPerWindow. */
  get suppressed(): number {
    return this.suppressedCount;
  }

  /** Host-windows above the threshold that were not flagged because they were one-sided with fewer than minOneSidedPackets packets. */
  get oneSided(): number {
    return this.oneSidedCount;
  }

  /** Rows the current model was trained on (0 while warming). */
  get trainingSamples(): number {
    return this.current?.samples ?? 0;
  }

  /** The threshold each row of the last scored batch was held to: the host's own where it is higher than the model's. */
  get rowThresholds(): Float64Array {
    return this.thresholds;
  }

  /** Current alert threshold (NaN while warming). */
  get threshold(): number {
    return this.current?.threshold ?? NaN;
  }

  /** The current model, for saving, with the context's state as of now (undefined while warming). */
  get model(): DetectorModel | undefined {
    return this.withContext(this.current);
  }

  /** The state to save for a restart; the reservoir is a copy. */
  snapshot(): DetectorSnapshot {
    return {
      model: this.withContext(this.current),
      generation: this.generationCount,
      firstSeen: this.firstSeen,
      reservoir: this.reservoir.rows().slice(),
      offered: this.reservoir.offered,
    };
  }

  /** Carries on from a saved snapshot, replacing the model, generation and reservoir. */
  restore(s: DetectorSnapshot): void {
    const width = this.width;
    if (s.reservoir.length % (2 * width) !== 0) throw new RangeError(`saved reservoir rows are not ${2 * width} values wide`);
    if (s.model !== undefined && s.model.scorer.nFeatures !== width) {
      throw new RangeError(`saved model has ${s.model.scorer.nFeatures} features, the schema has ${width}`);
    }
    this.reservoir.restore(s.reservoir, s.offered);
    if (s.model !== undefined) this.restoreContext(s.model);
    this.current = s.model;
    this.generationCount = s.generation;
    this.firstSeen = s.firstSeen;
  }

  /**
   * Scores one window batch, emitting an Anomaly per row above the threshold.
   * Returns the scores of all rows, or null while warming up.
   */
  process(batch: WindowBatch): Float64Array | null {
    const n = batch.hosts.length;
    if (Number.isNaN(this.firstSeen)) this.firstSeen = batch.start;
    // Rows of the batch that ends the warm-up are training rows already; they are scored but not offered twice.
    let offer = true;
    if (this.current === undefined) {
      for (let i = 0; i < n; i++) {
        this.offer(batch, i);
        this.opts.combiner?.learn(batch, i, true);
      }
      if (batch.end - this.firstSeen < this.opts.warmupSeconds || this.reservoir.size < this.opts.minTrainingRows) return null;
      offer = false;
    }
    // One refit call site for the end of the warm-up and for retraining, reached before this
    // function is optimised: a site first reached later (the first retrain) has no type
    // feedback, and reaching it deoptimises the compiled function.
    if (!offer || this.retrainDue(batch.end)) {
      this.refit(batch.end);
      // A background fit is still running: warming goes on.
      if (this.current === undefined) return null;
    }
    const model = this.current as DetectorModel;
    const scores = model.scorer.scoreMany(batch.vectors, n);
    const flagged: number[] = [];
    const thresholds = new Float64Array(n);
    this.thresholds = thresholds;
    for (let i = 0; i < n; i++) {
      scores[i] = blendScore(scores[i], rangeExcess(model.baseline, batch.vectors, i * this.width));
      const combiner = this.opts.combiner;
      if (combiner !== undefined) scores[i] = combiner.combine(batch, i, scores[i]);
      thresholds[i] = combiner?.threshold(batch.hosts[i], model.threshold) ?? model.threshold;
      if (scores[i] > thresholds[i] && this.isOneSided(batch, i)) {
        // Neither flagged nor learnt: the row cannot be judged either way.
        this.oneSidedCount++;
        thresholds[i] = Infinity;
      } else if (scores[i] > thresholds[i]) flagged.push(i);
      else {
        if (offer) {
          if (this.online) this.offer(batch, i);
          combiner?.learn(batch, i, false, scores[i]);
        }
        // After learning: a host's own threshold is fitted on its scores without the lift.
        if (batch.rareContact !== undefined) scores[i] = liftTowardThreshold(scores[i], thresholds[i], batch.rareContact[i]);
      }
    }
    // A flood of spoofed sources can flag thousands of rows at once: explain and report only the worst.
    const max = this.opts.maxAnomaliesPerWindow;
    if (flagged.length > max) {
      flagged.sort((a, b) => scores[b] - scores[a]);
      this.suppressedCount += flagged.length - max;
      flagged.length = max;
    }
    for (const i of flagged) this.report(batch, i, scores[i], thresholds[i], model);
    return scores;
  }

  /**
   * Whether the online model is due a retrain at `now`. The reservoir test comes
   * before the time test so that it runs on every scored batch and its type
   * feedback exists when the first retrain comes (see `process`).
   */
  private retrainDue(now: number): boolean {
    return this.online && this.reservoir.size >= this.opts.minTrainingRows && now - (this.current as DetectorModel).trainedAt >= this.opts.retrainIntervalSeconds;
  }

  /**
   * Whether row i is one-sided evidence too thin to flag: the host sent
   * fewer than minOneSidedPackets packets in flows it initiated, at most one
   * of which expected an answer and got none, nothing came back (no packet,
   * no ICMP unreachable), and no feature carries evidence from earlier
   * windows (CROSS_WINDOW all 0). Its unusual values (a share of failures of
   * 1 of 1, an out/in ratio over nothing received) describe answers the
   * capture did not see (asymmetric capture, replies to broadcast, answers
   * after the window), not what the host did. Sweeps (many unanswered probes) and
   * floods (many packets) are judged as ever.
   */
  private isOneSided(batch: WindowBatch, i: number): boolean {
    if (this.evidence.some((c) => c < 0)) return false;
    const [sent, received, unreachables, failed, ...cross] = this.evidence;
    const at = i * this.width;
    const packets = batch.raw[at + sent];
    return (
      packets > 0 &&
      packets < this.opts.minOneSidedPackets &&
      batch.raw[at + failed] <= 1 &&
      batch.raw[at + received] === 0 &&
      batch.raw[at + unreachables] === 0 &&
      cross.every((c) => batch.raw[at + c] === 0)
    );
  }

  /** Offers row i (vector and raw values) to the training reservoir; a row it skips is not copied. */
  private offer(batch: WindowBatch, i: number): void {
    const slot = this.reservoir.claim();
    if (slot < 0) return;
    const w = this.width;
    this.reservoir.put(slot, 0, batch.vectors, i * w, w);
    this.reservoir.put(slot, w, batch.raw, i * w, w);
  }

  /** Fits a new model on the reservoir at packet time `now` (also how `netscore train` ends). */
  fit(now: number): void {
    this.install(fitModel(this.job(now)));
  }

  /** Fits in line, or starts a fit on the background fitter unless one is running (its model is installed when done). */
  private refit(now: number): void {
    if (this.background === undefined) {
      this.fit(now);
      return;
    }
    if (this.fitting) return;
    const { fitter, onError } = this.background;
    this.fitting = true;
    fitter(this.job(now)).then(
      (model) => {
        this.fitting = false;
        this.install(model);
      },
      (err: Error) => {
        this.fitting = false;
        this.background = undefined;
        onError(err);
      },
    );
  }

  /** The reservoir's rows and the fit settings at packet time `now`, as a job on copies of the rows; ages the reservoir. */
  private job(now: number): FitJob {
    if (this.reservoir.size < this.opts.minTrainingRows) {
      throw new RangeError(`training needs at least ${this.opts.minTrainingRows} host-windows, got ${this.reservoir.size}`);
    }
    const rows = this.reservoir.rows();
    const n = this.reservoir.size;
    const w = this.width;
    const capacity = this.opts.reservoirSize * w * Float64Array.BYTES_PER_ELEMENT;
    this.jobRows ??= { vectors: new Float64Array(new SharedArrayBuffer(capacity)), raw: new Float64Array(new SharedArrayBuffer(capacity)) };
    const vectors = this.jobRows.vectors.subarray(0, n * w);
    const raw = this.jobRows.raw.subarray(0, n * w);
    splitRows(rows, n, w, vectors, raw);
    const o = this.opts;
    this.reservoir.age();
    return {
      family: o.family,
      vectors,
      raw,
      rows: n,
      nFeatures: w,
      seed: o.seed + this.generationCount,
      falseAlarmRate: o.falseAlarmRate ?? o.windowSeconds / 86_400,
      contamination: o.contamination,
      tail: o.tail,
      now,
    };
  }

  private install(model: DetectorModel): void {
    // The context is copied only when the model is read or saved, not at every refit.
    this.current = model;
    this.generationCount++;
  }

  /** `model` carrying the context's state as of now. */
  private withContext<M extends DetectorModel | undefined>(model: M): M {
    const context = this.opts.context;
    return model === undefined || context === undefined ? model : { ...model, context: context.toDoc() };
  }

  /** Loads the context state a model carries, if both exist. */
  private restoreContext(model: DetectorModel): void {
    if (model.context !== undefined) this.opts.context?.restore(model.context);
  }

  private report(batch: WindowBatch, i: number, score: number, threshold: number, model: DetectorModel): void {
    const at = i * this.width;
    zScores(model.baseline, batch.vectors, at, this.z);
    rangeExcess(model.baseline, batch.vectors, at, this.excess);
    const category = categorize(batch.raw, at, this.z, this.excess, this.opts.windowSeconds);
    this.onAnomaly({
      window_start: batch.start,
      window_end: batch.end,
      host: batch.hosts[i],
      score,
      threshold,
      category,
      severity: severityOf(score, threshold, category),
      top_features: topFeatures(model.baseline, this.z, batch.raw, at, this.opts.schema, this.opts.topFeatures),
      peers: batch.peers?.(i) ?? [],
      model_generation: this.generationCount,
    });
  }
}

/**
 * Copies n reservoir rows (each w transformed values then w raw ones) into
 * the row-major `vectors` and `raw`. Element loops: set(subarray()) would
 * allocate two views per row. Apart from job() because it runs a few times
 * an hour: the optimiser compiles a hot loop in a rarely called function
 * while it runs (on-stack replacement), and code after the loop that has
 * never run then sends the whole function back to the interpreter, to be
 * compiled again at the next fit; a function that is only the loop keeps
 * its compiled code.
 */
function splitRows(rows: Float64Array, n: number, w: number, vectors: Float64Array, raw: Float64Array): void {
  for (let i = 0, from = 0, to = 0; i < n; i++, to += w) {
    for (let k = 0; k < w; k++) vectors[to + k] = rows[from++];
    for (let k = 0; k < w; k++) raw[to + k] = rows[from++];
  }
}
