import type { Logger } from 'pino';
import { N_FEATURES } from '../features/schema.js';
import type { Detector } from '../model/detector.js';
import { loadDetectorState, removeUnfinishedSaves, saveDetectorState, setStateAside } from '../model/state-dir.js';

/** Wall-clock seconds between saves of the reservoir while netscore runs. */
const SAVE_EVERY_SECONDS = 300;

/**
 * Keeps a detector's model and training reservoir in `--model.state-dir`
 * across restarts: restores them at start, saves after every refit, every
 * few minutes and at shutdown. Saves never overlap; one requested during a
 * save runs after it.
 */
export class StateKeeper {
  /** Saves that failed. */
  failures = 0;
  /** Wall-clock time of the last successful save, seconds since the epoch (0 before one). */
  lastSave = 0;
  private savedGeneration = 0;
  private saving: Promise<void> = Promise.resolve();
  private pending = false;
  private readonly timer: NodeJS.Timeout;

  private constructor(
    readonly dir: string,
    private readonly detector: Detector,
    private readonly log: Logger,
  ) {
    this.timer = setInterval(() => this.save(), SAVE_EVERY_SECONDS * 1000);
    this.timer.unref();
  }

  /**
   * Restores the detector from `dir` when it holds a state. A state this
   * build cannot use is set aside (renamed `.rejected`) with one log line,
   * and a new warm-up starts; so does an unreadable directory, with a warning.
   * Temporary files of saves a killed netscore never finished are removed.
   */
  static async open(dir: string, detector: Detector, log: Logger): Promise<StateKeeper> {
    const keeper = new StateKeeper(dir, detector, log);
    try {
      const removed = await removeUnfinishedSaves(dir);
      if (removed > 0) log.info({ dir, files: removed }, 'removed the temporary files of unfinished saves');
    } catch (error) {
      log.warn({ dir, err: (error as Error).message }, 'model state directory unreadable; starting a new warm-up, and saves will fail until it is readable');
      return keeper;
    }
    try {
      const state = await loadDetectorState(dir);
      if (state !== undefined) {
        detector.restore(state);
        keeper.savedGeneration = state.generation;
        log.info({ dir, generation: state.generation, state: detector.state, reservoir_rows: state.reservoir.length / (2 * N_FEATURES) }, 'model state restored');
      }
    } catch (error) {
      log.warn({ dir, err: (error as Error).message }, 'model state unusable; set aside as .rejected, starting a new warm-up');
      await setStateAside(dir);
    }
    return keeper;
  }

  /** Saves when the detector has refitted since the last save (called after each scored window). */
  afterWindow(): void {
    if (this.detector.generation !== this.savedGeneration) void this.save();
  }

  /** Queues a save of the current snapshot; resolves when it is on disk (or has failed and been counted). */
  save(): Promise<void> {
    if (this.pending) return this.saving;
    this.pending = true;
    this.saving = this.saving.then(async () => {
      this.pending = false;
      const snapshot = this.detector.snapshot();
      try {
        await saveDetectorState(this.dir, snapshot);
        this.savedGeneration = snapshot.generation;
        this.lastSave = Date.now() / 1000;
        this.log.info({ dir: this.dir, generation: snapshot.generation, reservoir_rows: snapshot.reservoir.length / (2 * N_FEATURES) }, 'model state saved');
      } catch (error) {
        this.failures++;
        this.log.error({ dir: this.dir, err: (error as Error).message }, 'cannot save model state');
      }
    });
    return this.saving;
  }

  /** Stops the periodic save and writes a final one. */
  async close(): Promise<void> {
    clearInterval(this.timer);
    await this.save();
  }
}
