import { randomBytes } from 'node:crypto';
import { open, rename, unlink } from 'node:fs/promises';
import { dirname } from 'node:path';
import { ioReason } from './io-reason.js';

/** Infix of the temporary files: `<name>.tmp-<pid>-<random>`. */
const TMP_INFIX = '.tmp-';

/**
 * Replaces `path` atomically: the data goes to a temporary file beside it
 * (mode 0600: models and state hold traffic statistics), which is fsynced and
 * renamed over `path`, so readers and a crash at any point leave either the
 * old or the new content, never a mix. Fails with a one-line reason in words
 * for the caller to prefix with the file, e.g. `permission denied (the directory ...)`.
 */
export async function writeFileAtomic(path: string, data: string | Uint8Array): Promise<void> {
  const tmp = `${path}${TMP_INFIX}${process.pid}-${randomBytes(6).toString('hex')}`;
  try {
    const handle = await open(tmp, 'wx', 0o600);
    try {
      await handle.writeFile(data);
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(tmp, path);
  } catch (error) {
    await unlink(tmp).catch(() => undefined);
    throw new Error(`${ioReason(error)} (the directory ${dirname(path)} must let this user create and rename files)`, { cause: error });
  }
  // Persist the rename itself; a directory that cannot be fsynced is left to the OS.
  const dir = await open(dirname(path), 'r').catch(() => undefined);
  if (dir) await dir.sync().catch(() => undefined).finally(() => dir.close());
}

/** The process id in `name` when it is a temporary file `writeFileAtomic` made for the file named `base`; otherwise undefined. */
export function atomicTempPid(name: string, base: string): number | undefined {
  if (!name.startsWith(`${base}${TMP_INFIX}`)) return undefined;
  const m = /^(\d+)-[0-9a-f]{12}$/.exec(name.slice(base.length + TMP_INFIX.length));
  return m ? Number(m[1]) : undefined;
}
