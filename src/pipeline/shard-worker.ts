import { parentPort, workerData } from 'node:worker_threads';
import { Decoder } from '../decode/decoder.js';
import { FlowTable, type FlowTimeouts } from '../flows/flow-table.js';
import { encodePartial } from '../features/partial-codec.js';
import { WindowAccumulator, type WindowAccumulatorOptions } from '../features/window-accumulator.js';
import { BatchRing, BatchView, HEADER_BYTES, RECORD, recordBytes } from './shard-batch.js';
import { EventRecorder } from './shard-events.js';
import { STAT } from './shard-stats.js';

/** What a capture worker is started with. */
export interface ShardWorkerData {
  /** Worker number. */
  index: number;
  /** Flow-table size and timeouts. */
  flowMax: number;
  timeouts: FlowTimeouts;
  /** Decoder nesting limit. */
  maxDepth: number;
  /** Window sizes; absent without scoring. */
  windows?: WindowAccumulatorOptions;
  /** This worker's counters (STAT layout). */
  stats: SharedArrayBuffer;
  /** The ring of batches the reader fills (BatchRing). */
  ring: { control: SharedArrayBuffer; data: SharedArrayBuffer };
}

/** What a capture worker posts: a closed window's partial and flow events, the end of the stream, or the exception that stopped it. */
export type ShardMessage =
  | { type: 'window'; end: number; partial: ArrayBuffer; events: ArrayBuffer }
  | { type: 'ready' }
  | { type: 'done' }
  | { type: 'error'; message: string; stage: 'decode' | 'flows' | 'features' };

/**
 * One capture worker: decode, its own flow table and window accumulator for
 * the packets the reader dispatched to it (both directions of a flow come to
 * the same worker). At each window turn it posts the partial window and the
 * flow events since the last one; the main thread merges and scores.
 */
function start(data: ShardWorkerData): void {
  const port = parentPort;
  if (port === null) throw new Error('shard-worker must run in a worker thread');
  const stats = new Float64Array(data.stats);
  const ring = new BatchRing(data.ring);
  const v = new BatchView(ring.data.buffer);
  const decoder = new Decoder({ maxDepth: data.maxDepth });
  const recorder = new EventRecorder();
  const acc = data.windows ? new WindowAccumulator({ ...data.windows, sums: recorder }, recorder) : undefined;
  /** Stream position of each flow's last packet, the flow table's expiry order within a class. */
  const lastPosition = new Float64Array(data.flowMax);
  let ticking = false;
  const flows = new FlowTable(data.flowMax, data.timeouts, {
    flowEnded: (slot, f) => {
      if (ticking) recorder.ending(f, lastPosition[slot]);
      acc?.flowEnded(slot, f);
    },
  });
  let stage: 'decode' | 'flows' | 'features' = 'decode';
  let packets = 0;

  const turn = (end: number, next: number): void => {
    if (acc === undefined) return;
    if (!Number.isNaN(end)) {
      const partial = encodePartial(acc.close());
      const events = recorder.take();
      port.postMessage({ type: 'window', end, partial, events } satisfies ShardMessage, [partial, events]);
    }
    acc.reset(next);
  };

  const batch = (offset: number, used: number): void => {
    for (let at = offset, stop = offset + used; at < stop; ) {
      const f = at >> 3;
      const u = at >> 2;
      const position = v.f64[f];
      const ts = v.f64[f + 1];
      const end = v.f64[f + 2];
      const next = v.f64[f + 3];
      const type = v.u32[u + 8];
      const caplen = v.u32[u + 9];
      if (type === RECORD.PACKET) {
        stage = 'decode';
        const pkt = decoder.decode(v.u8, at + HEADER_BYTES, caplen, v.u32[u + 11]);
        const wirelen = v.u32[u + 10];
        stage = 'flows';
        recorder.position = position * 2;
        const slot = flows.update(pkt, wirelen, ts);
        if (slot >= 0) lastPosition[slot] = position;
        stage = 'features';
        if (!Number.isNaN(next)) turn(end, next);
        if (slot >= 0 && acc !== undefined) {
          acc.position = position;
          acc.packet(pkt, v.u8, wirelen, ts, slot, flows.lastReverse, flows.lastNew);
        }
        packets++;
      } else if (type === RECORD.TURN) {
        stage = 'features';
        turn(end, next);
      } else if (type === RECORD.TICK || type === RECORD.FINISH) {
        stage = 'flows';
        recorder.position = type === RECORD.TICK ? position * 2 + 1 : Number.MAX_VALUE;
        ticking = true;
        if (type === RECORD.TICK) flows.expire(ts);
        else flows.flush();
        ticking = false;
        recorder.packets();
        if (type === RECORD.FINISH) {
          stage = 'features';
          if (!Number.isNaN(next)) turn(end, next);
          publish();
          port.postMessage({ type: 'done' } satisfies ShardMessage);
        }
      }
      at += recordBytes(caplen);
    }
  };

  const publish = (): void => {
    stats[STAT.PACKETS] = packets;
    stats[STAT.ACTIVE] = flows.active;
    stats[STAT.TRACKED] = acc?.trackedHosts ?? 0;
    stats.set(flows.created, STAT.CREATED);
    stats.set(flows.ended, STAT.ENDED);
  };

  port.postMessage({ type: 'ready' } satisfies ShardMessage);
  // After a failure the worker keeps freeing slots, so that the reader never waits on it for ever.
  let failed = false;
  for (let b = ring.next(); b !== undefined; b = ring.next()) {
    const started = performance.now();
    if (!failed) {
      try {
        batch(b.offset, b.used);
      } catch (err) {
        failed = true;
        port.postMessage({ type: 'error', message: (err as Error).message ?? String(err), stage } satisfies ShardMessage);
      }
    }
    ring.release();
    publish();
    stats[STAT.BUSY] += (performance.now() - started) / 1000;
  }
}

start(workerData as ShardWorkerData);
