import { statSync } from 'node:fs';
import type { Pipeline } from '../pipeline/pipeline.js';
import { StageError } from '../pipeline/stage-error.js';
import { openCaptureFile } from '../source/capture-file.js';
import { CaptureError } from '../source/source.js';
import { Progress } from './progress.js';

/**
 * Bytes read at a time. The packets of one read are processed without a break,
 * so this bounds how long a scrape waits: 256 KiB is a few thousand packets,
 * a few milliseconds, while reads stay large enough to cost nothing measurable.
 */
const READ_BYTES = 256 * 1024;

/**
 * Replays `files` in order into `pipeline`, with a progress bar on a terminal.
 * A damaged or unreadable file is reported on stderr (one line) and the next
 * file is read; resolves to those error lines. Aborting `signal` stops after
 * the packet being delivered. A StageError rejects, naming the file. Does not
 * finish the pipeline.
 */
export async function feedFiles(files: string[], pipeline: Pipeline, speed: number, signal?: AbortSignal): Promise<string[]> {
  const sizes = files.map((f) => {
    try {
      return statSync(f).size;
    } catch {
      return 0;
    }
  });
  const total = sizes.reduce((a, b) => a + b, 0);
  let done = 0;
  let current: { bytesRead: number } | undefined;
  const progress = new Progress(process.stderr, () => ({ done: done + (current?.bytesRead ?? 0), total, packets: pipeline.traffic.packets })).start();
  const errors: string[] = [];
  try {
    for (const [i, file] of files.entries()) {
      if (signal?.aborted) break;
      const source = openCaptureFile(file, { speed, chunkSize: READ_BYTES });
      const stop = () => source.stop();
      signal?.addEventListener('abort', stop);
      current = source;
      try {
        await source.run(pipeline.sink);
      } catch (err) {
        if (err instanceof StageError) err.file ??= file;
        if (!(err instanceof CaptureError)) throw err;
        progress.stop();
        process.stderr.write(`netscore: ${err.message}\n`);
        errors.push(err.message);
      } finally {
        signal?.removeEventListener('abort', stop);
      }
      done += sizes[i];
      current = undefined;
    }
  } finally {
    progress.stop();
  }
  return errors;
}
