import { optionalAddonExport } from '../source/pcap-binding.js';
import { CAPTURE_CAPABILITIES, CAPTURE_MASK, capabilitySet, captureCapabilityNames, readOwnStatus, readThreadStatuses } from './credentials.js';
import { lookupUser } from './lookup-user.js';
import type { UserIds } from './lookup-user.js';
import { PrivilegeError } from './privilege-error.js';
import { verifyCredentials } from './verify-credentials.js';

/** Node has process.initgroups on POSIX, but @types/node no longer declares it. */
type PosixProcess = NodeJS.Process & { initgroups?: (user: string, extraGroup: number) => void };

/** native/privileges.cc: switches user keeping the capabilities numbered in `keep`. */
type SwitchUser = (name: string, uid: number, gid: number, keep: number[]) => void;

/** The user a process switched to, and the capture capabilities it holds afterwards. */
export interface DroppedPrivileges extends UserIds {
  /** Effective capture capabilities after the switch, e.g. ["CAP_NET_RAW", "CAP_NET_ADMIN"]. */
  capabilities: string[];
  /** False when the process already ran as that user, so nothing was dropped. */
  switched: boolean;
}

/**
 * Resolves the `--run-as` user, refusing the ones a switch to would drop
 * nothing from: an empty name and root (uid 0), which keeps every capability.
 */
export function runAsUser(user: string): UserIds {
  if (user === '') throw new PrivilegeError('--run-as is empty: name the unprivileged user to switch to, or leave the option out');
  const target = lookupUser(user);
  if (target.uid === 0) {
    throw new PrivilegeError(`--run-as ${user} is uid 0, which keeps every privilege: name an unprivileged user, or leave the option out`);
  }
  return target;
}

/**
 * Switches the whole process to `user` (name or uid): supplementary groups,
 * then gid, then uid, so that no step needs privileges the previous one
 * dropped. Meant to run after every capture handle was opened as root: open
 * handles keep working. On Linux with the addon, CAP_NET_RAW and CAP_NET_ADMIN
 * (those of them the process holds) stay permitted and effective so that a
 * failed capture can be reopened; every other capability leaves the bounding
 * set too, and no_new_privs is set (native/privileges.cc). Verifies the
 * result, including that root cannot be regained. Refuses root (see
 * runAsUser). A no-op when the process already runs as that user.
 */
export function dropPrivileges(user: string | UserIds): DroppedPrivileges {
  const target = typeof user === 'string' ? runAsUser(user) : user;
  const { geteuid, getuid, getegid, getgid, initgroups, setgid, setuid } = process as PosixProcess;
  if (!geteuid || !getuid || !getegid || !getgid || !initgroups || !setgid || !setuid) {
    throw new PrivilegeError('switching user is not supported on this platform');
  }
  const held = (switched: boolean) => ({ ...target, capabilities: captureCapabilityNames(capabilitySet(readOwnStatus(), 'CapEff') ?? 0n), switched });
  if (geteuid() === target.uid && getuid() === target.uid) return held(false);
  if (geteuid() !== 0) {
    throw new PrivilegeError(`cannot switch to user ${target.name}: not running as root`);
  }
  const switchUser = nativeSwitchUser();
  // Only what the process holds can be kept: --capture.promiscuous=false runs with CAP_NET_RAW alone.
  const keep = (capabilitySet(readOwnStatus(), 'CapPrm') ?? CAPTURE_MASK) & CAPTURE_MASK;
  const keepBits = CAPTURE_CAPABILITIES.filter(([, bit]) => ((keep >> BigInt(bit)) & 1n) === 1n).map(([, bit]) => bit);
  try {
    if (switchUser) {
      switchUser(target.name, target.uid, target.gid, keepBits);
    } else {
      // Without the addon the kernel clears every capability; moot for `run`, which cannot capture without it.
      initgroups(target.name, target.gid);
      setgid(target.gid);
      setuid(target.uid);
    }
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
  if (canRegainRoot(setuid)) {
    throw new PrivilegeError(`switching to user ${target.name} failed: root can still be regained`);
  }
  if (switchUser) verifyCredentials(target, keep, readOwnStatus(), readThreadStatuses());
  return held(true);
}

/** switchUser of the addon; undefined where the addon is not built or not on Linux. */
function nativeSwitchUser(): SwitchUser | undefined {
  return optionalAddonExport<SwitchUser>('switchUser');
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
