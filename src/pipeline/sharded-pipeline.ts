import { Worker } from 'node:worker_threads';
import { WindowClock } from '../features/window-clock.js';
import type { FlowCounts, WorkersView } from '../metrics/context.js';
import type { TrafficStats } from '../metrics/traffic-stats.js';
import type { PacketSink } from '../source/source.js';
import type { PacketView } from '../source/packet-view.js';
import { type PipelineOptions, shardCoreData } from './build-pipeline.js';
import type { Pipeline } from './pipeline.js';
import { BatchRing, BatchWriter, RECORD } from './shard-batch.js';
import { ShardMerger, summedFlows } from './shard-merge.js';
import { shardOf } from './shard-hash.js';
import { STAT, STAT_WORDS } from './shard-stats.js';
import type { ShardMessage } from './shard-core.js';
import type { ShardWorkerData } from './shard-worker.js';
import { STAGE_NAMES, StageError } from './stage-error.js';

const WORKER_URL = new URL('../../dist/pipeline/shard-worker.js', import.meta.url);
/** Packet time between two housekeeping passes, in seconds (as Pipeline's). */
const TICK_SECONDS = 1;
/** Wall time after which a partly filled batch is sent at the next tick, so that paced replays close windows on time. */
const FLUSH_MS = 50;

/** A window turn the reader made, and the workers' partials of it received so far. */
interface Turn {
  end: number;
  partials: (ArrayBuffer | undefined)[];
  events: (ArrayBuffer | undefined)[];
  received: number;
}

/**
 * The packet path over `workers` capture worker threads, for a replay: this
 * thread reads, decodes each packet once to count it and pick its worker by a
 * symmetric 5-tuple hash (shardOf), and sends it in batches; each worker runs
 * decode, its flow table and a window accumulator. This thread runs the
 * window clock and the housekeeping ticks on the packet times of the whole
 * stream, as one pipeline would, and tells every worker at the same point of
 * its stream, so all close window k at once (a worker that got no packet
 * posts an empty partial). It merges their partials in the stream's host
 * order, hands the closer their flow events in the stream's order, and
 * scores. With no bound reached (flow table, hosts per window) the windows,
 * scores and totals are those of one pipeline.
 */
export class ShardedPipeline {
  /** Per-packet counters (this thread decodes every packet to dispatch it). */
  readonly traffic: TrafficStats;
  /** Sum of the workers' flow tables. */
  readonly flows: FlowCounts;
  /** Per-worker counters for the metrics. */
  readonly workers: WorkersView;
  private readonly pipeline: Pipeline;
  private readonly threads: Worker[];
  private readonly writers: BatchWriter[];
  private readonly stats: Float64Array[];
  private readonly waits: Float64Array;
  private readonly clock: WindowClock | undefined;
  private readonly turns: Turn[] = [];
  private readonly merger: ShardMerger | undefined;
  private readonly done: Promise<void>[];
  private readonly started: Promise<void>[] = [];
  private position = 0;
  private nextTick = -Infinity;
  private lastFlush = 0;
  private failure: unknown;

  constructor(pipeline: Pipeline, o: PipelineOptions, workers: number, script: URL = WORKER_URL) {
    this.pipeline = pipeline;
    this.traffic = pipeline.traffic;
    const scoring = pipeline.scoring;
    const windows = scoring ? { windowSeconds: o.window, maxHosts: o['hosts.max'], flowMax: o['flow.max'] } : undefined;
    this.clock = windows ? new WindowClock(windows.windowSeconds) : undefined;
    this.merger = windows ? new ShardMerger(pipeline, windows, workers) : undefined;
    this.waits = new Float64Array(workers);
    this.stats = [];
    this.writers = [];
    this.threads = [];
    this.done = [];
    for (let i = 0; i < workers; i++) {
      const stats = new SharedArrayBuffer(8 * STAT_WORDS);
      this.stats.push(new Float64Array(stats));
      const ring = new BatchRing();
      this.writers.push(new BatchWriter(ring));
      const data: ShardWorkerData = {
        ...shardCoreData(i, o, windows, stats),
        ring: ring.shared,
      };
      const thread = new Worker(script, { workerData: data });
      this.threads.push(thread);
      this.started.push(new Promise<void>((resolve) => thread.once('message', () => resolve())));
      const done = new Promise<void>((resolve, reject) => {
          thread.on('message', (m: ShardMessage) => {
            if (m.type === 'ready') return;
            if (m.type === 'done') resolve();
            else if (m.type === 'error') reject(new StageError(m.stage, this.traffic.packets, this.traffic.lastTimestamp, '', new Error(`capture worker ${i}: ${m.message}`)));
            else this.received(i, m);
          });
          thread.on('error', (err) => reject(new StageError('decode', this.traffic.packets, this.traffic.lastTimestamp, '', new Error(`capture worker ${i} stopped: ${err.message}`, { cause: err }))));
          // After 'done' this is a no-op; before it, the worker died without saying why.
          thread.on('exit', (code) => reject(new StageError('decode', this.traffic.packets, this.traffic.lastTimestamp, '', new Error(`capture worker ${i} exited with code ${code}`))));
      }).catch((err) => {
        this.failure ??= err;
        if (err instanceof StageError) pipeline.failures[STAGE_NAMES.indexOf(err.stage)]++;
        throw err;
      });
      // Awaited by finish; a replay stopped before it must not see an unhandled rejection.
      done.catch(() => undefined);
      this.done.push(done);
    }
    const stat = (i: number, k: number) => this.stats[i][k];
    this.flows = summedFlows(this.stats, o['flow.max'], pipeline.flows.created.length, pipeline.flows.ended.length);
    this.workers = {
      count: workers,
      packets: (i) => stat(i, STAT.PACKETS),
      busySeconds: (i) => stat(i, STAT.BUSY),
      waitSeconds: (i) => this.waits[i],
      dropped: () => 0,
    };
    if (scoring) scoring.windows.remoteTracked = () => this.stats.reduce((a, st) => a + st[STAT.TRACKED], 0);
  }

  /** Resolves when every worker has started (or failed to), so that the reader does not wait on a worker still loading its code. */
  ready(): Promise<void> {
    return Promise.race([Promise.all(this.started).then(() => undefined), ...this.done]);
  }

  /** Counts, dispatches and clocks one packet; a worker's failure is thrown here (a StageError). */
  readonly sink: PacketSink = (v: PacketView) => {
    if (this.failure !== undefined) throw this.failure;
    const pipeline = this.pipeline;
    let pkt: ReturnType<Pipeline['decoder']['decode']>;
    const ts = v.tsSec + v.tsNsec * 1e-9;
    try {
      pkt = pipeline.decoder.decode(v.data, v.offset, v.caplen, v.linktype);
      this.traffic.record(v.iface, pkt, v.wirelen, ts);
    } catch (err) {
      pipeline.failures[0]++;
      throw new StageError(STAGE_NAMES[0], this.traffic.packets + 1, this.traffic.lastTimestamp, v.iface, err);
    }
    const w = shardOf(pkt, this.threads.length);
    let end = NaN;
    let next = NaN;
    // One pipeline's window clock runs on the packets that reach the features: IP with a flow (not later fragments).
    if (this.clock !== undefined && pkt.ipVersion !== 0 && pkt.fragment !== 2 && this.clock.packet(ts)) {
      end = this.clock.end;
      next = this.clock.next;
      this.turn(w);
    }
    const position = this.position++;
    this.append(w, RECORD.PACKET, position, ts, end, next, v);
    if (ts >= this.nextTick) {
      this.nextTick = ts + TICK_SECONDS;
      for (let i = 0; i < this.threads.length; i++) this.append(i, RECORD.TICK, position, ts, NaN, NaN);
      if (this.clock?.advance(ts)) this.turn(-1);
      const now = performance.now();
      if (now - this.lastFlush >= FLUSH_MS) {
        this.lastFlush = now;
        for (let i = 0; i < this.threads.length; i++) this.post(i);
      }
    }
  };

  /** Ends every worker's flows and closes the last window, then waits for the workers to report everything; rejects with a worker's StageError. */
  async finish(): Promise<void> {
    let end = NaN;
    let next = NaN;
    if (this.clock?.flush()) {
      end = this.clock.end;
      next = this.clock.next;
      this.expect(end);
    }
    for (let i = 0; i < this.threads.length; i++) {
      this.append(i, RECORD.FINISH, this.position, NaN, end, next);
      this.post(i);
    }
    try {
      await Promise.all(this.done);
      if (this.failure !== undefined) throw this.failure;
    } finally {
      await this.close();
    }
  }

  /** Stops the workers. */
  async close(): Promise<void> {
    for (const w of this.writers) w.ring.stop();
    await Promise.all(this.threads.map((t) => t.terminate()));
  }

  /** The window turned at the current packet: every worker but `owner` (which turns with the packet itself) is told now. */
  private turn(owner: number): void {
    const { end, next } = this.clock as WindowClock;
    if (!Number.isNaN(end)) this.expect(end);
    for (let i = 0; i < this.threads.length; i++) if (i !== owner) this.append(i, RECORD.TURN, this.position, NaN, end, next);
  }

  private expect(end: number): void {
    const n = this.threads.length;
    this.turns.push({ end, partials: new Array(n), events: new Array(n), received: 0 });
  }

  private append(w: number, type: number, position: number, ts: number, end: number, next: number, v?: PacketView): void {
    const writer = this.writers[w];
    const caplen = v?.caplen ?? 0;
    if (!writer.fits(caplen)) this.post(w);
    writer.append(type, position, ts, end, next, v?.data, v?.offset, caplen, v?.wirelen, v?.linktype);
  }

  /** Publishes worker w's filled batch, then waits while its ring is full, so that the next slot is free (backpressure: the time waited is counted). */
  private post(w: number): void {
    const writer = this.writers[w];
    if (writer.used === 0) return;
    writer.flush();
    const ring = writer.ring;
    if (!ring.full()) return;
    const started = performance.now();
    while (ring.full()) ring.waitForRoom(100);
    this.waits[w] += (performance.now() - started) / 1000;
  }

  /** Worker i's partial of the oldest window it had not posted; once every worker's is in, the window is merged and scored. */
  private received(i: number, m: Extract<ShardMessage, { type: 'window' }>): void {
    const turn = this.turns.find((t) => t.partials[i] === undefined);
    if (turn === undefined || turn.end !== m.end) {
      this.failure ??= new StageError('features', this.traffic.packets, this.traffic.lastTimestamp, '', new Error(`capture worker ${i} closed the window ending at ${m.end}, expected ${turn?.end}`));
      return;
    }
    turn.partials[i] = m.partial;
    turn.events[i] = m.events;
    turn.received++;
    while (this.turns.length > 0 && this.turns[0].received === this.threads.length) this.merge(this.turns.shift() as Turn);
  }

  private merge(turn: Turn): void {
    this.failure ??= this.merger?.merge(turn.end, turn.partials, turn.events);
  }
}
