import type { MetricsContext, WorkersView } from './context.js';
import { Family } from './family.js';

/** Capture worker families, present when there are several workers; every worker's series exist from the start. */
export function workerCollector(ctx: MetricsContext): Family[] {
  const w = ctx.workers;
  if (w === undefined) return [];
  const each = (read: (i: number) => number) => () => Array.from({ length: w.count }, (_, i) => ({ labels: { worker: String(i) }, value: read(i) }));
  return [
    new Family('netscore_capture_workers', 'Capture worker threads sharing the packet path (--capture.workers).', 'gauge', () => [{ labels: {}, value: w.count }]),
    new Family('netscore_capture_worker_packets_total', 'Packets a capture worker decoded and accounted, by worker.', 'counter', each((i) => w.packets(i))),
    new Family('netscore_capture_worker_busy_seconds_total', 'Seconds a capture worker spent processing packets, by worker; its rate is the share of one core the worker keeps busy.', 'counter', each((i) => w.busySeconds(i))),
    new Family('netscore_capture_worker_dropped_packets_total', 'Packets lost before a capture worker saw them, by worker: in live capture the kernel\'s drops on the worker\'s handles (its share of the fanout group fell behind); a replay never drops.', 'counter', each((i) => w.dropped(i))),
    new Family('netscore_capture_worker_skew_ratio', 'Packets of the busiest capture worker over the mean of all workers since the start (1 is an even spread; the worker count is the most).', 'gauge', () => [{ labels: {}, value: skew(w) }]),
  ];
}

/** Busiest worker's packets over the mean (1 before any packet). */
function skew(w: WorkersView): number {
  let max = 0;
  let sum = 0;
  for (let i = 0; i < w.count; i++) {
    const p = w.packets(i);
    sum += p;
    if (p > max) max = p;
  }
  return sum === 0 ? 1 : (max * w.count) / sum;
}
