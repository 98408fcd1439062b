/** Words for the system errors a user can cause with a bad path, a full disk or missing permissions. */
const IO_REASONS: Record<string, string> = {
  ENOENT: 'no such file',
  EACCES: 'permission denied',
  EPERM: 'permission denied',
  EISDIR: 'is a directory',
  ENOTDIR: 'a parent is not a directory',
  ELOOP: 'too many symbolic links',
  ENAMETOOLONG: 'name too long',
  ENOSPC: 'no space left on the device',
  EDQUOT: 'disk quota exceeded',
  EROFS: 'read-only file system',
  EEXIST: 'already exists',
  EMFILE: 'too many open files',
  EIO: 'input/output error',
};

/** What went wrong in words ("permission denied"), for an error from node:fs; the message of any other error. */
export function ioReason(err: unknown): string {
  const code = (err as { code?: unknown } | null)?.code;
  if (typeof code === 'string' && IO_REASONS[code] !== undefined) return IO_REASONS[code];
  return (err instanceof Error ? err.message : String(err)).replace(/\s*\n\s*/g, ' ');
}
