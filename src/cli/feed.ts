import { statSync } from 'node:fs';
import type { Pipeline } from '../pipeline/pipeline.js';
import { openCaptureFile } from '../source/capture-file.js';
import { CaptureError } from '../source/source.js';
import { Progress } from './progress.js';

/**
 * Replays `files` in order into `pipeline`, with a progress bar on a terminal.
 * A damaged or unreadable file is reported on stderr (one line) and the next
 * file is read; resolves to those error lines. Does not finish the pipeline.
 */
export async function feedFiles(files: string[], pipeline: Pipeline, speed: number): Promise<string[]> {
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
  for (const [i, file] of files.entries()) {
    const source = openCaptureFile(file, { speed });
    current = source;
    try {
      await source.run(pipeline.sink);
    } catch (err) {
      if (!(err instanceof CaptureError)) throw err;
      progress.stop();
      process.stderr.write(`netscore: ${err.message}\n`);
      errors.push(err.message);
    }
    done += sizes[i];
    current = undefined;
  }
  progress.stop();
  return errors;
}
