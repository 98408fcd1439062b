import { Worker } from 'node:worker_threads';
import type { CaptureState, FlowCounts, WorkersView } from '../metrics/context.js';
import { CaptureError, type SourceEvents } from '../source/source.js';
import { type PipelineOptions, shardCoreData } from './build-pipeline.js';
import type { LiveMessage, LiveWorkerData } from './live-worker.js';
import type { ShardCoreData, ShardRecycle } from './shard-core.js';
import type { Pipeline } from './pipeline.js';
import { ShardMerger, summedFlows } from './shard-merge.js';
import { STAT, STAT_WORDS } from './shard-stats.js';
import { STAGE_NAMES, StageError } from './stage-error.js';

const WORKER_URL = new URL('../../dist/pipeline/live-worker.js', import.meta.url);

/** How the live capture workers open their handles. */
export interface LiveCaptureOptions extends Omit<LiveWorkerData, keyof ShardCoreData> {
  /** Outage reports of the workers' handles. */
  events: SourceEvents;
}

/** A window some worker closed, and the workers' partials of it received so far. */
interface Pending {
  end: number;
  partials: (ArrayBuffer | undefined)[];
  events: (Float64Array<ArrayBuffer> | undefined)[];
}

/**
 * Live capture over `workers` capture worker threads, with no reader on this
 * thread: each worker opens its own handle on every interface in one
 * PACKET_FANOUT group per interface and runs decode, flows and window
 * accumulation (live-worker.ts). This thread adds up their traffic counts,
 * and merges and scores window k once every worker has posted its partial of
 * it or passed it (its watermark): a worker with no packet in a window posts
 * no partial of it.
 */
export class LiveShards {
  /** Sum of the workers' flow tables. */
  readonly flows: FlowCounts;
  /** Per-worker counters for the metrics; drops are the kernel's, per worker's handles. */
  readonly workers: WorkersView;
  private readonly pipeline: Pipeline;
  private readonly threads: Worker[] = [];
  private readonly stats: Float64Array[] = [];
  private readonly captureStates: CaptureState[][];
  private readonly watermarks: Float64Array;
  private readonly pending: Pending[] = [];
  private readonly merger: ShardMerger | undefined;
  private readonly started: Promise<void>[] = [];
  private readonly done: Promise<void>[] = [];
  private failure: unknown;
  private onFailure: (err: unknown) => void = () => undefined;

  constructor(pipeline: Pipeline, o: PipelineOptions, workers: number, capture: LiveCaptureOptions, script: URL = WORKER_URL) {
    this.pipeline = pipeline;
    const scoring = pipeline.scoring;
    const windows = scoring ? { windowSeconds: o.window, maxHosts: o['hosts.max'], flowMax: o['flow.max'] } : undefined;
    this.merger = windows ? new ShardMerger(pipeline, windows, workers, (i, partial, events) => this.recycle(i, partial, events)) : undefined;
    this.watermarks = new Float64Array(workers).fill(-Infinity);
    this.captureStates = Array.from({ length: workers }, () => capture.interfaces.map((iface) => ({ iface, up: true, received: 0, dropped: 0, ifDropped: 0 })));
    for (let i = 0; i < workers; i++) {
      const stats = new SharedArrayBuffer(8 * STAT_WORDS);
      this.stats.push(new Float64Array(stats));
      const data: LiveWorkerData = {
        ...shardCoreData(i, o, windows, stats),
        interfaces: capture.interfaces,
        filter: capture.filter,
        snaplen: capture.snaplen,
        bufferSize: capture.bufferSize,
        promiscuous: capture.promiscuous,
        fanout: capture.fanout,
      };
      const thread = new Worker(script, { workerData: data });
      this.threads.push(thread);
      let ready!: () => void;
      let refused!: (err: unknown) => void;
      this.started.push(
        new Promise<void>((resolve, reject) => {
          ready = resolve;
          refused = reject;
        }),
      );
      const stageError = (stage: StageError['stage'], message: string, cause?: unknown) =>
        new StageError(stage, pipeline.traffic.packets, pipeline.traffic.lastTimestamp, '', new Error(`capture worker ${i}: ${message}`, { cause }));
      const done = new Promise<void>((resolve, reject) => {
        thread.on('message', (m: LiveMessage) => {
          if (m.type === 'ready') ready();
          else if (m.type === 'failed') refused(new CaptureError(m.message));
          else if (m.type === 'done') {
            this.watermarks[i] = Infinity;
            this.mergeReady();
            resolve();
          } else if (m.type === 'error') reject(stageError(m.stage, m.message));
          else if (m.type === 'capture') {
            if (m.up) capture.events.up(m.iface);
            else capture.events.down(m.iface, m.message ?? '');
          } else if (m.type === 'stats') {
            pipeline.traffic.add(m.traffic);
            this.captureStates[i] = m.captures;
            this.advance(i, m.watermark);
          } else this.received(i, m.end, m.partial, m.events);
        });
        thread.on('error', (err) => reject(stageError('decode', `stopped: ${err.message}`, err)));
        // After 'done' this is a no-op; before it, the worker died without saying why.
        thread.on('exit', (code) => reject(stageError('decode', `exited with code ${code}`)));
      });
      // A worker that cannot open its handles reports that, not the exit that follows.
      thread.on('exit', () => refused(new CaptureError(`capture worker ${i} exited before opening its capture`)));
      const watched = done.catch((err: unknown) => {
        this.fail(err);
        throw err;
      });
      watched.catch(() => undefined);
      this.done.push(watched);
    }
    this.flows = summedFlows(this.stats, o['flow.max'], pipeline.flows.created.length, pipeline.flows.ended.length);
    this.workers = {
      count: workers,
      packets: (i) => this.stats[i][STAT.PACKETS],
      busySeconds: (i) => this.stats[i][STAT.BUSY],
      dropped: (i) => this.captureStates[i].reduce((a, c) => a + c.dropped, 0),
    };
    if (scoring) scoring.windows.remoteTracked = () => this.stats.reduce((a, s) => a + s[STAT.TRACKED], 0);
  }

  /**
   * Resolves once every worker has opened its handles; rejects with the
   * CaptureError of one that could not, once every other worker has finished
   * trying too (a worker terminated while the addon throws aborts the process).
   */
  async ready(): Promise<void> {
    const outcomes = await Promise.allSettled(this.started);
    const refused = outcomes.find((o) => o.status === 'rejected');
    if (refused !== undefined) throw refused.reason;
  }

  /** Calls `onFailure` once with the first StageError of a worker or of a merge. */
  watch(onFailure: (err: unknown) => void): void {
    this.onFailure = onFailure;
    if (this.failure !== undefined) onFailure(this.failure);
  }

  /** Each interface's capture counters, summed over the workers' handles. */
  captures(): CaptureState[] {
    const out = this.captureStates[0].map((c) => ({ ...c }));
    for (const states of this.captureStates.slice(1)) {
      states.forEach((c, k) => {
        const o = out[k];
        o.up &&= c.up;
        o.received += c.received;
        o.dropped += c.dropped;
        o.ifDropped += c.ifDropped;
      });
    }
    return out;
  }

  /** Stops the captures, ends every worker's flows and closes their last windows, then merges and scores what is left; rejects with a worker's StageError. */
  async finish(): Promise<void> {
    for (const t of this.threads) t.postMessage({ type: 'finish' });
    try {
      await Promise.all(this.done);
      if (this.failure !== undefined) throw this.failure;
    } finally {
      await this.close();
    }
  }

  /** Stops the workers. */
  async close(): Promise<void> {
    await Promise.all(this.threads.map((t) => t.terminate()));
  }

  private fail(err: unknown): void {
    if (this.failure !== undefined) return;
    this.failure = err;
    if (err instanceof StageError) this.pipeline.failures[STAGE_NAMES.indexOf(err.stage)]++;
    this.onFailure(err);
  }

  /** Hands worker i back the buffers of a window it posted, once merged. */
  private recycle(i: number, partial: ArrayBuffer, events: ArrayBuffer): void {
    const m: ShardRecycle = { type: 'recycle', partial, events };
    this.threads[i].postMessage(m, [partial, events]);
  }

  private received(i: number, end: number, partial: ArrayBuffer, events: Float64Array<ArrayBuffer>): void {
    let p = this.pending.find((q) => q.end === end);
    if (p === undefined) {
      const n = this.threads.length;
      p = { end, partials: new Array(n), events: new Array(n) };
      this.pending.push(p);
      this.pending.sort((a, b) => a.end - b.end);
    }
    p.partials[i] = partial;
    p.events[i] = events;
    this.advance(i, end);
  }

  /** No window worker i posts from now on ends at or before `watermark`. */
  private advance(i: number, watermark: number): void {
    if (watermark > this.watermarks[i]) this.watermarks[i] = watermark;
    this.mergeReady();
  }

  /** Merges, oldest first, each window every worker has posted or passed. */
  private mergeReady(): void {
    while (this.pending.length > 0) {
      const p = this.pending[0];
      if (!this.watermarks.every((w, i) => w >= p.end || p.partials[i] !== undefined)) return;
      this.pending.shift();
      const err = this.merger?.merge(p.end, p.partials, p.events);
      if (err !== undefined) this.fail(err);
    }
  }
}
