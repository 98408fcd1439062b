import { statSync } from 'node:fs';
import type { TrafficStats } from '../metrics/traffic-stats.js';
import { StageError } from '../pipeline/stage-error.js';
import { FilePasses, type FilePassOptions } from '../source/file-passes.js';
import type { PacketSink } from '../source/source.js';
import { Progress } from './progress.js';

/** Options of `feedFiles`. */
export type FeedOptions = FilePassOptions;

/** Capture workers that read the files themselves (ShardedPipeline), each with the same FilePasses. */
export interface FileReaders {
  /** The workers' packets, added up. */
  readonly traffic: TrafficStats;
  /** Bytes read so far by the slowest worker, for the progress display. */
  readonly bytesDone: number;
  /** Reads `files` (of `sizes` bytes) in every worker; `damaged` gets each damaged file's line once; rejects with a worker's StageError. */
  read(files: readonly string[], sizes: readonly number[], speed: number, opts: FilePassOptions, damaged: (message: string) => void): Promise<void>;
}

/**
 * Replays `files` in order into `pipeline` (a Pipeline's sink, or capture
 * workers that read the files themselves), with a progress bar on a terminal.
 * A damaged or unreadable file is reported on stderr (one line, in the first
 * pass) and the next file is read; resolves to those error lines. With
 * `loops`, every pass after the first is shifted in time to follow the one
 * before (FilePasses). A StageError rejects, naming the file. Does not finish
 * the pipeline.
 */
export async function feedFiles(files: string[], pipeline: { sink: PacketSink; traffic: TrafficStats } | FileReaders, speed: number, opts: FeedOptions = {}): Promise<string[]> {
  const sizes = files.map((f) => {
    try {
      return statSync(f).size;
    } catch {
      return 0;
    }
  });
  const loops = opts.loops ?? 1;
  const total = loops === 0 ? 0 : loops * sizes.reduce((a, b) => a + b, 0);
  const readers = 'sink' in pipeline ? new SinkReader(pipeline) : pipeline;
  const progress = new Progress(process.stderr, () => ({ done: readers.bytesDone, total, packets: readers.traffic.packets })).start();
  const errors: string[] = [];
  try {
    await readers.read(files, sizes, speed, opts, (message) => {
      progress.stop();
      process.stderr.write(`netscore: ${message}\n`);
      errors.push(message);
    });
  } finally {
    progress.stop();
  }
  return errors;
}

/** One pipeline's sink as FileReaders: the files are read on this thread. */
class SinkReader implements FileReaders {
  private passes: FilePasses | undefined;

  constructor(private readonly pipeline: { sink: PacketSink; traffic: TrafficStats }) {}

  get traffic(): TrafficStats {
    return this.pipeline.traffic;
  }

  get bytesDone(): number {
    return this.passes?.bytesDone ?? 0;
  }

  async read(files: readonly string[], sizes: readonly number[], speed: number, opts: FilePassOptions, damaged: (message: string) => void): Promise<void> {
    const passes = new FilePasses(files, sizes, speed, opts);
    this.passes = passes;
    try {
      await passes.run(this.pipeline.sink, damaged);
    } catch (err) {
      if (err instanceof StageError) err.file ??= passes.file;
      throw err;
    }
  }
}
