import { performance } from 'node:perf_hooks';
import { parentPort, workerData } from 'node:worker_threads';
import { WindowClock } from '../features/window-clock.js';
import type { CaptureState } from '../metrics/context.js';
import type { TrafficStats } from '../metrics/traffic-stats.js';
import type { FanoutOptions } from '../source/fanout.js';
import type { PacketView } from '../source/packet-view.js';
import type { PacketSource } from '../source/source.js';
import { openSource } from '../source/sources.js';
import { newTraffic, ShardCore, type ShardCoreData, type ShardMessage, type ShardRecycle } from './shard-core.js';
import { STAT } from './shard-stats.js';
import { TICK_SECONDS, WALL_LAG_SECONDS } from './ticks.js';

/** What a live capture worker is started with. */
export interface LiveWorkerData extends ShardCoreData {
  /** Interfaces to capture, each through its own handle in the interface's fanout group. */
  interfaces: readonly string[];
  /** Capture settings of every handle. */
  filter?: string;
  snaplen?: number;
  bufferSize?: number;
  promiscuous?: boolean;
  fanout: FanoutOptions;
}

/** What a live capture worker posts besides ShardMessage: its counters once a second, capture outages, a capture it could not open. */
export type LiveMessage =
  | ShardMessage
  | { type: 'stats'; traffic: TrafficStats; captures: CaptureState[]; watermark: number }
  | { type: 'capture'; iface: string; up: boolean; message?: string }
  | { type: 'failed'; message: string };

/** Seconds a packet may reach a worker after its timestamp (kernel block timeout, a busy worker): an idle worker's window watermark stays this far behind the wall clock. */
const LATE_SECONDS = 5;

/**
 * One live capture worker: opens its own handle on every interface in the
 * interface's PACKET_FANOUT group (the kernel hashes both directions of a
 * flow to one member), and runs decode, its flow table and window
 * accumulator on what the kernel gives it. Its window clock is epoch-aligned
 * like every worker's and one pipeline's: packet time, and the wall clock
 * once a second, so that an idle worker closes its windows too. It posts
 * each closed window's partial and flow events, and once a second its
 * traffic counts since the last report, its handles' counters and its
 * watermark: no window it posts later ends at or before it.
 */
function start(data: LiveWorkerData): void {
  const port = parentPort;
  if (port === null) throw new Error('live-worker must run in a worker thread');
  const post = (m: LiveMessage, transfer: ArrayBuffer[] = []) => port.postMessage(m, transfer);
  const stats = new Float64Array(data.stats);
  const core = new ShardCore(data, (m) => post(m, [m.partial, m.events.buffer]));
  const clock = data.windows ? new WindowClock(data.windows.windowSeconds) : undefined;
  let traffic = newTraffic();
  let nextTick = -Infinity;
  // Stream positions are packet times in microseconds, kept increasing: the main thread orders hosts and flow events of different workers by them.
  let position = 0;
  const tick = (ts: number): void => {
    core.tick(ts, position);
    nextTick = ts + TICK_SECONDS;
    if (clock?.advance(ts)) core.turn(clock.end, clock.next);
  };
  const sink = (v: PacketView): void => {
    const ts = v.tsSec + v.tsNsec * 1e-9;
    const pkt = core.decode(v.data, v.offset, v.caplen, v.linktype);
    traffic.record(v.iface, pkt, v.wirelen, ts);
    position = Math.max(position + 1, Math.round(ts * 1e6));
    let end = NaN;
    let next = NaN;
    // One pipeline's window clock runs on the packets that reach the features: IP with a flow (not later fragments).
    if (clock !== undefined && pkt.ipVersion !== 0 && pkt.fragment !== 2 && clock.packet(ts)) {
      end = clock.end;
      next = clock.next;
    }
    core.account(pkt, v.data, v.wirelen, ts, position, end, next);
    if (ts >= nextTick) tick(ts);
  };

  const sources: PacketSource[] = [];
  try {
    for (const iface of data.interfaces) {
      const s = openSource('live', iface, {
        filter: data.filter,
        snaplen: data.snaplen,
        bufferSize: data.bufferSize,
        promiscuous: data.promiscuous,
        fanout: data.fanout,
        events: {
          down: (i, message) => post({ type: 'capture', iface: i, up: false, message }),
          up: (i) => post({ type: 'capture', iface: i, up: true }),
        },
      });
      sources.push(s);
      s.open?.();
    }
  } catch (err) {
    for (const s of sources) s.stop();
    post({ type: 'failed', message: (err as Error).message });
    return;
  }

  // Busy time counts from here: loading the code and opening the handles is not packet work.
  const since = performance.eventLoopUtilization();
  const report = (): void => {
    core.publish(stats);
    stats[STAT.BUSY] = performance.eventLoopUtilization(since).active / 1000;
    const watermark = clock !== undefined && !Number.isNaN(clock.start) ? clock.start : Date.now() / 1000 - LATE_SECONDS;
    post({ type: 'stats', traffic, captures: sources.map((s) => ({ iface: s.name, up: s.up ?? true, ...s.stats() })), watermark });
    traffic = newTraffic();
  };
  let failed = false;
  const fail = (err: unknown): void => {
    if (failed) return;
    failed = true;
    for (const s of sources) s.stop();
    post({ type: 'error', message: (err as Error).message ?? String(err), stage: core.stage });
  };
  // Flows and windows also age when no packets arrive (as Pipeline.idleTick, behind the wall clock).
  const housekeeping = setInterval(() => {
    const now = Date.now() / 1000 - WALL_LAG_SECONDS;
    try {
      if (!failed && now >= nextTick) {
        position = Math.max(position, Math.round(now * 1e6));
        tick(now);
      }
    } catch (err) {
      fail(err);
    }
    report();
  }, TICK_SECONDS * 1000);
  const runs = Promise.all(sources.map((s) => s.run(sink))).catch(fail);
  port.on('message', (m: { type: 'finish' } | ShardRecycle) => {
    if (m.type === 'recycle') {
      core.recycle(m);
      return;
    }
    clearInterval(housekeeping);
    for (const s of sources) s.stop();
    void runs.then(() => {
      if (!failed) {
        try {
          core.flush();
          if (clock?.flush()) core.turn(clock.end, clock.next);
        } catch (err) {
          fail(err);
        }
      }
      report();
      post({ type: 'done' });
      port.close();
    });
  });
  post({ type: 'ready' });
}

start(workerData as LiveWorkerData);
