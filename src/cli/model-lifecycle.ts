import type { Logger } from 'pino';
import type { WindowBatch } from '../features/host-windows.js';
import type { ModelView } from '../metrics/scoring-collector.js';
import type { Fitter } from '../model/types.js';
import type { Scoring } from '../pipeline/scoring.js';

/** Warm-up progress is logged each time it passes another 1/PROGRESS_STEPS of --model.warmup. */
const PROGRESS_STEPS = 4;

/** Settings of the lifecycle a ModelLifecycle follows. */
export interface LifecycleOptions {
  /** Whether the model learns online (no --model.file). */
  online: boolean;
  /** --model.warmup, in seconds. */
  warmupSeconds: number;
  /** --model.retrain-interval, in seconds. */
  retrainIntervalSeconds: number;
}

/**
 * Follows the model lifecycle of `scoring` window by window: logs warm-up
 * progress, the end of the warm-up and each refit at info, and tells the
 * metrics and the landing page how much traffic time the warm-up has learnt.
 * A new model is noticed at the first window after it is installed.
 */
export class ModelLifecycle implements ModelView {
  readonly online: boolean;
  readonly warmupSeconds: number;
  readonly retrainIntervalSeconds: number;
  private firstStart = NaN;
  private lastEnd = NaN;
  private loggedStep = 0;
  private generation: number;
  /** Seconds the last fit on the background fitter took (NaN when the last fit ran in line). */
  private backgroundFitSeconds = NaN;

  constructor(
    private readonly scoring: Scoring,
    private readonly log: Logger,
    opts: LifecycleOptions,
  ) {
    this.online = opts.online;
    this.warmupSeconds = opts.online ? opts.warmupSeconds : 0;
    this.retrainIntervalSeconds = opts.retrainIntervalSeconds;
    this.generation = scoring.detector.generation;
    scoring.onWindow((batch, seconds) => this.window(batch, seconds));
  }

  /** Traffic time learnt toward the first model, in seconds: warmupSeconds once the model scores. */
  get warmupLearntSeconds(): number {
    if (!this.online || this.scoring.detector.state === 'scoring') return this.warmupSeconds;
    return Number.isNaN(this.firstStart) ? 0 : Math.min(this.warmupSeconds, this.lastEnd - this.firstStart);
  }

  /** `fitter`, timed, so that the refit line can say how long a background fit took. */
  timed(fitter: Fitter): Fitter {
    return async (job) => {
      const started = performance.now();
      const model = await fitter(job);
      this.backgroundFitSeconds = (performance.now() - started) / 1000;
      return model;
    };
  }

  private window(batch: WindowBatch, seconds: number): void {
    if (Number.isNaN(this.firstStart)) this.firstStart = batch.start;
    this.lastEnd = batch.end;
    const d = this.scoring.detector;
    if (d.generation !== this.generation) {
      const fitSeconds = Number.isNaN(this.backgroundFitSeconds) ? seconds : this.backgroundFitSeconds;
      this.backgroundFitSeconds = NaN;
      const fields = { generation: d.generation, rows: d.trainingSamples, threshold: Number(d.threshold.toFixed(4)), fit_seconds: Number(fitSeconds.toFixed(3)) };
      if (this.generation === 0) this.log.info({ ...fields, learnt_seconds: Math.round(batch.end - this.firstStart) }, 'model warm-up done');
      else this.log.info(fields, 'model refitted');
      this.generation = d.generation;
      return;
    }
    if (d.state !== 'warming' || !this.online) return;
    const learnt = this.warmupLearntSeconds;
    const step = Math.floor((PROGRESS_STEPS * learnt) / this.warmupSeconds);
    if (step > this.loggedStep && step < PROGRESS_STEPS) {
      this.loggedStep = step;
      this.log.info({ learnt_seconds: Math.round(learnt), warmup_seconds: this.warmupSeconds, percent: Math.round((100 * learnt) / this.warmupSeconds) }, 'model warming up');
    }
  }
}
