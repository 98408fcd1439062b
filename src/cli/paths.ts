import { accessSync, constants, statSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { fileProblem } from './file-problem.js';
import { OptionError } from './options.js';

/**
 * Checks, before any work, that `flag`'s file `path` can be written: not a
 * directory, in a directory that exists and is writable. Throws a one-line
 * OptionError saying what is wrong and what to give instead. `example` is a
 * file name to suggest inside a directory.
 */
export function checkOutputFile(flag: string, path: string, example: string): void {
  try {
    if (statSync(path).isDirectory()) throw new OptionError(`${flag} ${path} is a directory; give a file path such as ${join(path, example)}`);
  } catch (err) {
    if (err instanceof OptionError) throw err;
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw new OptionError(`${flag} ${fileProblem(path, err)}`, { cause: err });
  }
  const dir = dirname(path);
  try {
    accessSync(dir, constants.W_OK);
  } catch (err) {
    throw new OptionError(`${flag} ${path} cannot be written: the directory ${fileProblem(dir, err)}`, { cause: err });
  }
  if (basename(path) === '') throw new OptionError(`${flag} ${path} is not a file name`);
}
