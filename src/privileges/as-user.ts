import type { UserIds } from './lookup-user.js';
import { PrivilegeError } from './privilege-error.js';

/** Node has process.initgroups and friends on POSIX, but @types/node no longer declares initgroups. */
type PosixProcess = NodeJS.Process & { initgroups?: (user: string, extraGroup: number) => void };

/**
 * Runs `open` with the effective uid, gid and supplementary groups of `user`,
 * then returns to root: the files it creates belong to `user`, and it can
 * open, follow symlinks to and create only what `user` may, as after the
 * drop. The kernel clears the effective capabilities while the effective uid
 * is not 0 (so no CAP_DAC_OVERRIDE) and restores them from the permitted set
 * on the way back. glibc applies each change to every thread, so the thread
 * pool's file operations run as `user` too. Calls `open` directly when the
 * process is not root (then it cannot switch, and opens as itself).
 */
export async function asUser<T>(user: UserIds, open: () => Promise<T>): Promise<T> {
  const p = process as PosixProcess;
  const { geteuid, getegid, getgroups, setgroups, initgroups, setegid, seteuid } = p;
  if (!geteuid || geteuid() !== 0 || !getegid || !getgroups || !setgroups || !initgroups || !setegid || !seteuid) return open();
  const groups = getgroups();
  const egid = getegid();
  try {
    initgroups(user.name, user.gid);
    setegid(user.gid);
    seteuid(user.uid);
  } catch (err) {
    restore();
    throw new PrivilegeError(`cannot act as user ${user.name} to open the output files: ${(err as Error).message}`, { cause: err });
  }
  try {
    return await open();
  } finally {
    restore();
  }

  function restore(): void {
    seteuid!(0);
    setegid!(egid);
    setgroups!(groups);
  }
}
