import { Worker } from 'node:worker_threads';
import type { FlowCounts, WorkersView } from '../metrics/context.js';
import type { TrafficStats } from '../metrics/traffic-stats.js';
import type { WindowAccumulatorOptions } from '../features/window-accumulator.js';
import type { FilePassOptions } from '../source/file-passes.js';
import { type PipelineOptions, shardCoreData } from './build-pipeline.js';
import type { Pipeline } from './pipeline.js';
import { ShardMerger, summedFlows } from './shard-merge.js';
import { STAT, STAT_WORDS } from './shard-stats.js';
import type { ShardCommand, ShardWorkerData, ShardWorkerMessage } from './shard-worker.js';
import { STAGE_NAMES, StageError } from './stage-error.js';

const WORKER_URL = new URL('../../dist/pipeline/shard-worker.js', import.meta.url);

/** A window the workers close, and their partials of it received so far. */
interface Pending {
  end: number;
  partials: (ArrayBuffer | undefined)[];
  events: (Float64Array<ArrayBuffer> | undefined)[];
}

/** Capture worker threads started before the pipeline they feed, so that their start-up (isolate, module loading) overlaps the main thread's. */
export interface ShardThreads {
  readonly threads: readonly Worker[];
  /** Each worker's counters (STAT layout). */
  readonly stats: Float64Array[];
  /** Window sizes the workers were started with; absent without scoring. */
  readonly windows: WindowAccumulatorOptions | undefined;
  /** Hands worker i's 'error' and 'exit' to the pipeline that feeds on it, with any that came before. */
  adopt(i: number, error: (err: Error) => void, exit: (code: number) => void): void;
}

/**
 * Starts `workers` replay capture workers for options `o`; they load their
 * code and wait for a ShardedPipeline to tell them to read. An 'error' or
 * 'exit' before that is kept and handed over by `adopt`.
 */
export function startShardThreads(o: PipelineOptions, workers: number, script: URL = WORKER_URL): ShardThreads {
  const windows = o.scoring ? { windowSeconds: o.window, maxHosts: o['hosts.max'], flowMax: o['flow.max'] } : undefined;
  const threads: Worker[] = [];
  const stats: Float64Array[] = [];
  const early: { error?: Error; exit?: number; held: [(err: Error) => void, (code: number) => void] }[] = [];
  for (let i = 0; i < workers; i++) {
    const buffer = new SharedArrayBuffer(8 * STAT_WORDS);
    stats.push(new Float64Array(buffer));
    const data: ShardWorkerData = { ...shardCoreData(i, o, windows, buffer), workers };
    const thread = new Worker(script, { workerData: data });
    const kept: (typeof early)[number] = { held: [(err) => (kept.error ??= err), (code) => (kept.exit ??= code)] };
    thread.on('error', kept.held[0]);
    thread.on('exit', kept.held[1]);
    early.push(kept);
    threads.push(thread);
  }
  return {
    threads,
    stats,
    windows,
    adopt(i, error, exit) {
      const kept = early[i];
      threads[i].off('error', kept.held[0]).off('exit', kept.held[1]).on('error', error).on('exit', exit);
      if (kept.error !== undefined) error(kept.error);
      if (kept.exit !== undefined) exit(kept.exit);
    },
  };
}

/**
 * The packet path over `workers` capture worker threads, for a replay, with
 * no reader on this thread: every worker reads the capture files itself,
 * decodes every packet, and keeps those that a symmetric 5-tuple hash
 * (shardOf) gives it, for its flow table and window accumulator. Every
 * worker runs the window clock and the housekeeping ticks on the times of
 * all packets, as one pipeline would, so all close window k at the same
 * packet. This thread adds up their traffic counts, merges their partials of
 * each window in the stream's host order, hands the closer their flow events
 * in the stream's order, and scores. With no bound reached (flow table,
 * hosts per window) the windows, scores and totals are those of one pipeline.
 * It starts its workers itself, or takes over those that startShardThreads
 * started earlier for the same options.
 */
export class ShardedPipeline {
  /** The workers' traffic counts, added up as they report them (exact once `read` and `finish` resolve). */
  readonly traffic: TrafficStats;
  /** Sum of the workers' flow tables. */
  readonly flows: FlowCounts;
  /** Per-worker counters for the metrics. */
  readonly workers: WorkersView;
  private readonly threads: Worker[] = [];
  private readonly stats: Float64Array[];
  private readonly merger: ShardMerger | undefined;
  /** Windows posted by some worker and not merged yet, oldest first. */
  private readonly pending: Pending[] = [];
  /** Windows each worker has posted; merged windows come first. */
  private readonly posted: number[];
  private merged = 0;
  /** Workers that have posted everything ('done'). */
  private readonly finished: boolean[];
  /** Bytes each worker has read. */
  private readonly bytes: number[];
  /** Damaged files each worker has reported, and how many were passed on (each is met by every worker). */
  private readonly damages: number[];
  private damaged = 0;
  private onDamaged: (message: string) => void = () => undefined;
  private readonly reads: Promise<void>[] = [];
  private readonly done: Promise<void>[] = [];
  private failure: unknown;
  private readonly failed: Promise<never>;
  private rejectFailed!: (err: unknown) => void;

  constructor(pipeline: Pipeline, o: PipelineOptions, started: number | ShardThreads, script: URL = WORKER_URL) {
    this.traffic = pipeline.traffic;
    const scoring = pipeline.scoring;
    const spawned = typeof started === 'number' ? startShardThreads(o, started, script) : started;
    const { windows, stats } = spawned;
    if ((windows !== undefined) !== (scoring !== undefined)) throw new Error('capture workers started with scoring must feed a pipeline that scores, and only those');
    const workers = spawned.threads.length;
    this.stats = stats;
    this.merger = windows ? new ShardMerger(pipeline, windows, workers, (i, partial, events) => this.recycle(i, partial, events)) : undefined;
    this.posted = new Array<number>(workers).fill(0);
    this.finished = new Array<boolean>(workers).fill(false);
    this.bytes = new Array<number>(workers).fill(0);
    this.damages = new Array<number>(workers).fill(0);
    this.failed = new Promise<never>((_, reject) => (this.rejectFailed = reject));
    // Awaited by read and finish; a replay stopped before them must not see an unhandled rejection.
    this.failed.catch(() => undefined);
    spawned.threads.forEach((thread, i) => {
      this.threads.push(thread);
      let read!: () => void;
      let done!: () => void;
      this.reads.push(new Promise<void>((resolve) => (read = resolve)));
      this.done.push(new Promise<void>((resolve) => (done = resolve)));
      const stageError = (stage: StageError['stage'], message: string, cause?: unknown) =>
        new StageError(stage, this.traffic.packets, this.traffic.lastTimestamp, '', new Error(`capture worker ${i}: ${message}`, { cause }));
      thread.on('message', (m: ShardWorkerMessage) => {
        if (m.type === 'window') this.received(i, m.end, m.partial, m.events);
        else if (m.type === 'stats') {
          this.traffic.add(m.traffic);
          this.bytes[i] = m.bytes;
        } else if (m.type === 'damaged') {
          if (++this.damages[i] > this.damaged) {
            this.damaged++;
            this.onDamaged(m.message);
          }
        } else if (m.type === 'read') read();
        else if (m.type === 'done') {
          this.finished[i] = true;
          this.mergeReady();
          done();
        } else {
          const err = new StageError(m.stage, m.packet, m.ts, m.iface, new Error(`capture worker ${i}: ${m.message}`));
          err.file = m.file;
          pipeline.failures[STAGE_NAMES.indexOf(m.stage)]++;
          this.fail(err);
        }
      });
      const error = (err: Error) => this.fail(stageError('decode', `stopped: ${err.message}`, err));
      // After 'done' this is a no-op; before it, the worker died without saying why.
      const exit = (code: number) => {
        if (!this.finished[i]) this.fail(stageError('decode', `exited with code ${code}`));
      };
      spawned.adopt(i, error, exit);
    });
    this.flows = summedFlows(this.stats, o['flow.max'], pipeline.flows.created.length, pipeline.flows.ended.length);
    this.workers = {
      count: workers,
      packets: (i) => this.stats[i][STAT.PACKETS],
      busySeconds: (i) => this.stats[i][STAT.BUSY],
      dropped: () => 0,
    };
    if (scoring) scoring.windows.remoteTracked = () => this.stats.reduce((a, st) => a + st[STAT.TRACKED], 0);
  }

  /** Bytes read so far by the slowest worker. */
  get bytesDone(): number {
    return Math.min(...this.bytes);
  }

  /** Has every worker read `files`, each on its own; resolves when all have, rejects with the first StageError. */
  async read(files: readonly string[], sizes: readonly number[], speed: number, opts: FilePassOptions, damaged: (message: string) => void): Promise<void> {
    this.onDamaged = damaged;
    const { signal, loops, maxInterfaces } = opts;
    this.command({ type: 'read', files, sizes, speed, loops, maxInterfaces });
    // Each worker stops where it is: an interrupted replay's windows are merged from what the workers had read.
    const stop = () => this.command({ type: 'stop' });
    if (signal?.aborted) stop();
    signal?.addEventListener('abort', stop);
    try {
      await Promise.race([Promise.all(this.reads), this.failed]);
    } finally {
      signal?.removeEventListener('abort', stop);
    }
  }

  /** Ends every worker's flows and closes the last window, then waits for the workers to report everything; rejects with a worker's StageError. */
  async finish(): Promise<void> {
    try {
      this.command({ type: 'finish' });
      await Promise.race([Promise.all(this.done), this.failed]);
    } finally {
      await this.close();
    }
  }

  /** Stops the workers. */
  async close(): Promise<void> {
    await Promise.all(this.threads.map((t) => t.terminate()));
  }

  private command(c: ShardCommand): void {
    for (const t of this.threads) t.postMessage(c);
  }

  /** Hands worker i back the buffers of a window it posted, once merged. */
  private recycle(i: number, partial: ArrayBuffer, events: ArrayBuffer): void {
    const c: ShardCommand = { type: 'recycle', partial, events };
    this.threads[i].postMessage(c, [partial, events]);
  }

  private fail(err: unknown): void {
    this.failure ??= err;
    this.rejectFailed(this.failure);
  }

  /** Worker i's partial of the next window it closes; a window is merged and scored once every worker has posted it (or finished without it, when interrupted). */
  private received(i: number, end: number, partial: ArrayBuffer, events: Float64Array<ArrayBuffer>): void {
    const n = this.threads.length;
    const k = this.posted[i]++ - this.merged;
    if (k === this.pending.length) this.pending.push({ end, partials: new Array(n).fill(undefined), events: new Array(n).fill(undefined) });
    const window = this.pending[k];
    if (window.end !== end) {
      this.fail(new StageError('features', this.traffic.packets, this.traffic.lastTimestamp, '', new Error(`capture worker ${i} closed the window ending at ${end}, expected ${window.end}`)));
      return;
    }
    window.partials[i] = partial;
    window.events[i] = events;
    this.mergeReady();
  }

  private mergeReady(): void {
    while (this.pending.length > 0 && this.pending[0].partials.every((p, i) => p !== undefined || this.finished[i])) {
      const window = this.pending.shift() as Pending;
      this.merged++;
      const err = this.merger?.merge(window.end, window.partials, window.events);
      if (err !== undefined) this.fail(err);
    }
  }
}
