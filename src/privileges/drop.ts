import { lookupUser } from './lookup-user.js';
import type { UserIds } from './lookup-user.js';
import { PrivilegeError } from './privilege-error.js';

/** Node has process.initgroups on POSIX, but @types/node no longer declares it. */
type PosixProcess = NodeJS.Process & { initgroups?: (user: string, extraGroup: number) => void };

/**
 * Switches the whole process to `user` (name or uid): supplementary groups,
 * then gid, then uid, so that no step needs privileges the previous one
 * dropped. Meant to run after every capture handle was opened as root: open
 * handles keep working, while the kernel clears all capabilities on the
 * switch away from uid 0. Verifies the result, including that root cannot be
 * regained. A no-op when the process already runs as that user.
 */
export function dropPrivileges(user: string): UserIds {
  const target = lookupUser(user);
  const { geteuid, getuid, getegid, getgid, initgroups, setgid, setuid } = process as PosixProcess;
  if (!geteuid || !getuid || !getegid || !getgid || !initgroups || !setgid || !setuid) {
    throw new PrivilegeError('switching user is not supported on this platform');
  }
  if (geteuid() === target.uid && getuid() === target.uid) return target;
  if (geteuid() !== 0) {
    throw new PrivilegeError(`cannot switch to user ${target.name}: not running as root`);
  }
  try {
    initgroups(target.name, target.gid);
    setgid(target.gid);
    setuid(target.uid);
  } catch (err) {
    throw new PrivilegeError(`cannot switch to user ${target.name}: ${(err as Error).message}`, { cause: err });
  }
  const ids = [getuid(), geteuid(), getgid(), getegid()];
  const want = [target.uid, target.uid, target.gid, target.gid];
  if (ids.some((id, i) => id !== want[i])) {
    throw new PrivilegeError(
      `switching to user ${target.name} left uid/euid/gid/egid ${ids.join('/')}, expected ${want.join('/')}`,
    );
  }
  if (target.uid !== 0 && canRegainRoot(setuid)) {
    throw new PrivilegeError(`switching to user ${target.name} failed: root can still be regained`);
  }
  return target;
}

/** True when setuid(0) succeeds, i.e. the drop did not stick. */
function canRegainRoot(setuid: (id: number) => void): boolean {
  try {
    setuid(0);
    return true;
  } catch {
    return false;
  }
}
