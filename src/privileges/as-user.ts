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
  const { geteuid, getegid, getgroups, setgroups, initgroups, setegid, seteuid } = process as PosixProcess;
  if (geteuid?.() !== 0 || !getegid || !getgroups || !setgroups || !initgroups || !setegid || !seteuid) return open();
  const groups = getgroups();
  const egid = getegid();
  // Each step that took effect pushes its undo; they run in reverse order.
  const undo: (() => void)[] = [];
  const steps: [string, () => void, () => void][] = [
    ['initgroups', () => initgroups(user.name, user.gid), () => setgroups(groups)],
    ['setegid', () => setegid(user.gid), () => setegid(egid)],
    ['seteuid', () => seteuid(user.uid), () => seteuid(0)],
  ];
  try {
    for (const [name, step, back] of steps) {
      try {
        step();
      } catch (err) {
        // Node's text is "EPERM, Operation not permitted"; the addon's drop says "initgroups: Operation not permitted".
        throw new PrivilegeError(`cannot switch to user ${user.name}: ${name}: ${(err as Error).message.replace(/^E[A-Z]+, /, '')}`, { cause: err });
      }
      undo.unshift(back);
    }
    return await open();
  } finally {
    for (const back of undo) back();
  }
}
