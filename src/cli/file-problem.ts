/** What went wrong with a file, in words, for the common system error codes; the error's first message line otherwise. */
const PROBLEMS: Readonly<Record<string, string>> = {
  ENOENT: 'does not exist',
  EISDIR: 'is a directory, not a file',
  ENOTDIR: 'has a path component that is not a directory',
  EACCES: 'is not accessible (permission denied)',
  EPERM: 'is not accessible (operation not permitted)',
  EROFS: 'is on a read-only file system',
  ENOSPC: 'cannot be written: the disk is full',
  EEXIST: 'already exists',
  ELOOP: 'has too many symbolic links',
  ENAMETOOLONG: 'has a name that is too long',
  EMFILE: 'cannot be opened: too many open files',
};

/** One line saying why `path` could not be used, e.g. "/nope.yml does not exist"; never a bare error code. */
export function fileProblem(path: string, err: unknown): string {
  const code = (err as NodeJS.ErrnoException)?.code;
  const words = code === undefined ? undefined : PROBLEMS[code];
  if (words) return `${path} ${words}`;
  const message = err instanceof Error ? err.message.split('\n')[0] : String(err);
  return `${path}: ${message.replace(/^E[A-Z]+: /, '')}`;
}
