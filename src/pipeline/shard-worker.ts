import { performance } from 'node:perf_hooks';
import { parentPort, workerData } from 'node:worker_threads';
import { WindowClock } from '../features/window-clock.js';
import type { TrafficStats } from '../metrics/traffic-stats.js';
import { FilePasses } from '../source/file-passes.js';
import type { PacketView } from '../source/packet-view.js';
import { newTraffic, ShardCore, type ShardCoreData, type ShardMessage, type ShardRecycle, type ShardStage } from './shard-core.js';
import { shardOf } from './shard-hash.js';
import { STAT } from './shard-stats.js';
import { TICK_SECONDS } from './ticks.js';

/** What a replay's capture worker is started with. */
export interface ShardWorkerData extends ShardCoreData {
  /** Capture workers in all: this one keeps the packets that shardOf gives `index`. */
  workers: number;
}

/** What the main thread tells a replay's capture worker: read the files (every worker the same), stop reading, finish, or reuse a merged window's buffers. */
export type ShardCommand =
  | { type: 'read'; files: readonly string[]; sizes: readonly number[]; speed: number; loops?: number; maxInterfaces?: number }
  | { type: 'stop' }
  | { type: 'finish' }
  | ShardRecycle;

/** What a replay's capture worker posts besides its windows ('window', then 'done' after 'finish'). */
export type ShardWorkerMessage =
  | Extract<ShardMessage, { type: 'window' | 'done' }>
  /** Its traffic counts since the last report and the bytes it has read; its STAT counters are written just before. */
  | { type: 'stats'; traffic: TrafficStats; bytes: number }
  /** A file it could not read (the CaptureError's line); every worker meets the same damage. */
  | { type: 'damaged'; message: string }
  /** It has read every file. */
  | { type: 'read' }
  /** The exception that stopped it, at stream packet `packet` (1-based) of `file`. */
  | { type: 'failed'; stage: ShardStage; message: string; packet: number; ts: number; iface: string; file: string | undefined };

/** Wall time between two counter reports while reading (ms): /metrics and the progress display lag the packets by this much. */
const REPORT_MS = 250;
/** Windows a worker may have posted and not had back (merged): past this it stops reading until one comes back, so that it writes every window into buffers it had back. */
const WINDOWS_AHEAD = 4;

/**
 * One capture worker of a replay: it reads the capture files itself, as
 * every other worker does, decodes every packet and keeps those that shardOf
 * gives it (both directions of a flow hash alike): it counts them and runs
 * them through its flow table and window accumulator. The window clock and
 * the housekeeping ticks run on every packet's time, as one pipeline's do,
 * so every worker closes window k at the same packet (a worker with no
 * packet of its own in it posts an empty partial) and expires flows at the
 * same packet times. At each window turn it posts the partial window and the
 * flow events since the last one; the main thread merges and scores.
 */
function start(data: ShardWorkerData): void {
  const port = parentPort;
  if (port === null) throw new Error('shard-worker must run in a worker thread');
  const post = (m: ShardWorkerMessage, transfer: ArrayBuffer[] = []) => port.postMessage(m, transfer);
  const { index, workers } = data;
  const stats = new Float64Array(data.stats);
  // Windows posted and not handed back yet; `resume` ends the hold of a reading that is that far ahead.
  let ahead = 0;
  let resume: (() => void) | undefined;
  const hold = (): Promise<void> | undefined => (ahead > WINDOWS_AHEAD ? new Promise<void>((resolve) => (resume = resolve)) : undefined);
  const release = (): void => {
    resume?.();
    resume = undefined;
  };
  const core = new ShardCore(data, (m) => {
    ahead++;
    post(m, [m.partial, m.events.buffer]);
  });
  const clock = data.windows ? new WindowClock(data.windows.windowSeconds) : undefined;
  let traffic = newTraffic();
  // The interface of the last packet, declared in `traffic` unless `declared` is false (a fresh `traffic`).
  // A flag rather than an undefined `iface`: the comparison with each packet's interface stays one of two strings.
  let iface = '';
  let declared = false;
  // Stream position: the number of packets before this one, the same in every worker.
  let position = 0;
  let ts = 0;
  let nextTick = -Infinity;

  const sink = (v: PacketView): void => {
    ts = v.tsSec + v.tsNsec * 1e-9;
    const pkt = core.decode(v.data, v.offset, v.caplen, v.linktype);
    let end = NaN;
    let next = NaN;
    // One pipeline's window clock runs on the packets that reach the features: IP with a flow (not later fragments).
    if (clock !== undefined && pkt.ipVersion !== 0 && pkt.fragment !== 2 && clock.packet(ts)) {
      end = clock.end;
      next = clock.next;
    }
    if (shardOf(pkt, workers) === index) {
      traffic.record(v.iface, pkt, v.wirelen, ts);
      core.account(pkt, v.data, v.wirelen, ts, position, end, next);
    } else {
      // Every worker declares each interface at its first packet, so that the summed counters list interfaces in stream order.
      if (!declared || v.iface !== iface) traffic.declare(v.iface);
      if (!Number.isNaN(next)) core.turn(end, next);
    }
    iface = v.iface;
    declared = true;
    if (ts >= nextTick) {
      nextTick = ts + TICK_SECONDS;
      core.tick(ts, position);
      if (clock?.advance(ts)) core.turn(clock.end, clock.next);
    }
    position++;
  };

  let passes: FilePasses | undefined;
  let since = performance.eventLoopUtilization();
  const report = (): void => {
    core.publish(stats);
    stats[STAT.BUSY] = performance.eventLoopUtilization(since).active / 1000;
    post({ type: 'stats', traffic, bytes: passes?.bytesDone ?? 0 });
    traffic = newTraffic();
    declared = false;
  };
  let failed = false;
  const fail = (err: unknown): void => {
    failed = true;
    report();
    post({ type: 'failed', stage: core.stage, message: (err as Error).message ?? String(err), packet: position + 1, ts, iface: declared ? iface : '', file: passes?.file });
  };
  const abort = new AbortController();
  port.on('message', (m: ShardCommand) => {
    if (m.type === 'recycle') {
      core.recycle(m);
      if (--ahead <= WINDOWS_AHEAD) release();
    } else if (m.type === 'stop') {
      abort.abort();
      release();
    } else if (m.type === 'read') {
      // Busy time counts from here: loading the code is not packet work.
      since = performance.eventLoopUtilization();
      passes = new FilePasses(m.files, m.sizes, m.speed, { signal: abort.signal, loops: m.loops, maxInterfaces: m.maxInterfaces, hold });
      const timer = setInterval(report, REPORT_MS);
      passes.run(sink, (message) => post({ type: 'damaged', message })).then(
        () => {
          clearInterval(timer);
          report();
          post({ type: 'read' });
        },
        (err: unknown) => {
          clearInterval(timer);
          fail(err);
        },
      );
    } else if (!failed) {
      try {
        core.flush();
        if (clock?.flush()) core.turn(clock.end, clock.next);
      } catch (err) {
        fail(err);
        return;
      }
      report();
      post({ type: 'done' });
    }
  });
}

start(workerData as ShardWorkerData);
