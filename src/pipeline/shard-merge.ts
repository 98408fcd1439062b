import { decodePartial } from '../features/partial-codec.js';
import { COUNTER, N_COUNTERS, PartialWindow } from '../features/partial-window.js';
import type { WindowAccumulatorOptions } from '../features/window-accumulator.js';
import type { FlowCounts } from '../metrics/context.js';
import type { Pipeline } from './pipeline.js';
import { type MergedSums, replayEvents } from './shard-events.js';
import { STAT } from './shard-stats.js';
import { STAGE_NAMES, StageError } from './stage-error.js';

/**
 * Merges the capture workers' partials of one window in the stream's host
 * order, hands the closer their flow events in the stream's order, and
 * scores it on `pipeline`'s scoring stages; then hands each worker's buffers
 * to `recycle`, to be sent back to it.
 */
export class ShardMerger {
  private readonly partials: PartialWindow[];
  private readonly merged: PartialWindow;

  constructor(
    private readonly pipeline: Pipeline,
    windows: WindowAccumulatorOptions,
    workers: number,
    private readonly recycle: (worker: number, partial: ArrayBuffer, events: ArrayBuffer) => void,
  ) {
    this.partials = Array.from({ length: workers }, () => new PartialWindow(windows));
    this.merged = new PartialWindow(windows);
  }

  /** Merges and scores the window ending at `end` from the workers' encoded partials and events (undefined: a worker had no such window); a failure comes back as a StageError. */
  merge(end: number, partials: readonly (ArrayBuffer | undefined)[], events: readonly (Float64Array<ArrayBuffer> | undefined)[]): StageError | undefined {
    const scoring = this.pipeline.scoring;
    if (scoring === undefined) return undefined;
    let failure: StageError | undefined;
    try {
      const got: PartialWindow[] = [];
      partials.forEach((buffer, i) => {
        if (buffer === undefined) return;
        decodePartial(buffer, this.partials[i]);
        got.push(this.partials[i]);
      });
      const merged = this.merged;
      merged.reset(got[0].start);
      merged.mergeOrdered(got);
      const buffers = events.filter((e) => e !== undefined);
      scoring.windows.closeMerged(merged, end, (sink) => replayEvents(buffers, sink, this.sums));
    } catch (err) {
      this.pipeline.failures[STAGE_NAMES.indexOf('scoring')]++;
      failure = new StageError('scoring', this.pipeline.traffic.packets, this.pipeline.traffic.lastTimestamp, '', err);
    }
    partials.forEach((buffer, i) => {
      const e = events[i];
      if (buffer !== undefined && e !== undefined) this.recycle(i, buffer, e.buffer);
    });
    return failure;
  }

  /** The workers' per-host sums, made on the merged window in stream order. */
  private readonly sums: MergedSums = {
    // An ended flow's duration counts if its host had a packet in the window before the flow ended (as in one pipeline).
    flowDuration: (key, position, seconds) => {
      const w = this.merged;
      const e = w.hosts.find(key);
      if (e < 0 || !(w.first[e] * 2 < position)) return;
      w.counters[e * N_COUNTERS + COUNTER.DUR_SUM] += seconds;
      w.counters[e * N_COUNTERS + COUNTER.DUR_N]++;
    },
    nameEntropy: (key, bits) => {
      const w = this.merged;
      const e = w.hosts.find(key);
      if (e >= 0) w.counters[e * N_COUNTERS + COUNTER.ENTROPY_SUM] += bits;
    },
  };
}

/** The flow-table counters of the capture workers whose counters are `stats` (STAT layout), summed; `flowMax` is per worker. */
export function summedFlows(stats: readonly Float64Array[], flowMax: number, protocols: number, reasons: number): FlowCounts {
  const sum = (k: number) => stats.reduce((a, s) => a + s[k], 0);
  const vector = (at: number, length: number) => {
    const out = new Float64Array(length);
    for (const s of stats) for (let k = 0; k < length; k++) out[k] += s[at + k];
    return out;
  };
  return {
    get active() {
      return sum(STAT.ACTIVE);
    },
    flowMax: flowMax * stats.length,
    get created() {
      return vector(STAT.CREATED, protocols);
    },
    get ended() {
      return vector(STAT.ENDED, reasons);
    },
  };
}
