import { statSync } from 'node:fs';
import type { TrafficStats } from '../metrics/traffic-stats.js';
import { StageError } from '../pipeline/stage-error.js';
import type { PacketSink } from '../source/source.js';
import { CaptureError } from '../source/source.js';
import { openSource } from '../source/sources.js';
import { Progress } from './progress.js';

/**
 * Bytes read at a time. The packets of one read are processed without a break,
 * so this bounds how long a scrape waits: 256 KiB is a few thousand packets,
 * a few milliseconds, while reads stay large enough to cost nothing measurable.
 */
const READ_BYTES = 256 * 1024;

/** Options of `feedFiles`. */
export interface FeedOptions {
  /** Stops the feed after the packet being delivered. */
  signal?: AbortSignal;
  /** Passes over the files (default 1); 0 repeats until `signal` aborts. */
  loops?: number;
  /** pcapng interface description blocks allowed per section (`--capture.max-interfaces`). */
  maxInterfaces?: number;
}

/**
 * Replays `files` in order into `pipeline` (a Pipeline or the capture workers' ShardedPipeline), with a progress bar on a terminal.
 * A damaged or unreadable file is reported on stderr (one line, in the first
 * pass) and the next file is read; resolves to those error lines. With `loops`, every pass after
 * the first is shifted in time to follow the one before, as tcpreplay --loop
 * would send it. A StageError rejects, naming the file. Does not finish the pipeline.
 */
export async function feedFiles(files: string[], pipeline: { sink: PacketSink; traffic: TrafficStats }, speed: number, opts: FeedOptions = {}): Promise<string[]> {
  const { signal, loops = 1, maxInterfaces } = opts;
  const sizes = files.map((f) => {
    try {
      return statSync(f).size;
    } catch {
      return 0;
    }
  });
  const total = loops === 0 ? 0 : loops * sizes.reduce((a, b) => a + b, 0);
  let done = 0;
  let current: { bytesRead?: number } | undefined;
  const progress = new Progress(process.stderr, () => ({ done: done + (current?.bytesRead ?? 0), total, packets: pipeline.traffic.packets })).start();
  const errors: string[] = [];
  // Whole seconds added to packet times in this pass, and the span of the first pass.
  let shift = 0;
  let first = Infinity;
  let last = -Infinity;
  const sink: PacketSink = (v) => {
    if (shift === 0) {
      if (v.tsSec < first) first = v.tsSec;
      if (v.tsSec > last) last = v.tsSec;
    }
    v.tsSec += shift;
    pipeline.sink(v);
  };
  try {
    for (let pass = 0; loops === 0 || pass < loops; pass++) {
      if (pass > 0) {
        if (!(last >= first)) break; // nothing was read: looping would spin
        shift = pass * (last - first + 1);
      }
      for (const [i, file] of files.entries()) {
        if (signal?.aborted) return errors;
        const source = openSource('file', file, { speed, chunkSize: READ_BYTES, maxInterfaces });
        const stop = () => source.stop();
        signal?.addEventListener('abort', stop);
        current = source;
        try {
          await source.run(sink);
        } catch (err) {
          if (err instanceof StageError) err.file ??= file;
          if (!(err instanceof CaptureError)) throw err;
          // Later passes meet the same damage again; it is reported once.
          if (pass === 0) {
            progress.stop();
            process.stderr.write(`netscore: ${err.message}\n`);
            errors.push(err.message);
          }
        } finally {
          signal?.removeEventListener('abort', stop);
        }
        done += sizes[i];
        current = undefined;
      }
    }
  } finally {
    progress.stop();
  }
  return errors;
}
