import { parentPort, workerData } from 'node:worker_threads';
import { BatchRing, BatchView, HEADER_BYTES, RECORD, recordBytes } from './shard-batch.js';
import { ShardCore, type ShardCoreData, type ShardMessage } from './shard-core.js';
import { STAT } from './shard-stats.js';

/** What a replay's capture worker is started with. */
export interface ShardWorkerData extends ShardCoreData {
  /** The ring of batches the reader fills (BatchRing). */
  ring: { control: SharedArrayBuffer; data: SharedArrayBuffer };
}

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
  const core = new ShardCore(data, (m) => port.postMessage(m satisfies ShardMessage, [m.partial, m.events]));

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
        const pkt = core.decode(v.u8, at + HEADER_BYTES, caplen, v.u32[u + 11]);
        core.account(pkt, v.u8, v.u32[u + 10], ts, position, end, next);
      } else if (type === RECORD.TURN) {
        core.turn(end, next);
      } else if (type === RECORD.TICK) {
        core.tick(ts, position);
      } else if (type === RECORD.FINISH) {
        core.flush();
        if (!Number.isNaN(next)) core.turn(end, next);
        core.publish(stats);
        port.postMessage({ type: 'done' } satisfies ShardMessage);
      }
      at += recordBytes(caplen);
    }
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
        port.postMessage({ type: 'error', message: (err as Error).message ?? String(err), stage: core.stage } satisfies ShardMessage);
      }
    }
    ring.release();
    core.publish(stats);
    stats[STAT.BUSY] += (performance.now() - started) / 1000;
  }
}

start(workerData as ShardWorkerData);
