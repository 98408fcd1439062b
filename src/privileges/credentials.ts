import { readFileSync, readdirSync } from 'node:fs';

/** Capability numbers (linux/capability.h) that packet capture needs, by name. */
export const CAPTURE_CAPABILITIES = [
  ['CAP_NET_RAW', 13],
  ['CAP_NET_ADMIN', 12],
] as const;

/** Bit set of the capture capabilities, as in the Cap* lines of /proc status. */
export const CAPTURE_MASK = CAPTURE_CAPABILITIES.reduce((m, [, bit]) => m | (1n << BigInt(bit)), 0n);

/** One thread's credentials as the kernel reports them in /proc/.../status. */
export interface Credentials {
  /** Real, effective, saved and filesystem uid. */
  uids: number[];
  /** Real, effective, saved and filesystem gid. */
  gids: number[];
  /** CapInh. */
  inheritable: bigint;
  /** CapPrm. */
  permitted: bigint;
  /** CapEff. */
  effective: bigint;
  /** CapBnd. */
  bounding: bigint;
  /** CapAmb. */
  ambient: bigint;
  /** NoNewPrivs. */
  noNewPrivs: boolean;
}

/** A capability set line (CapEff, CapBnd, ...) of a status text; undefined when absent. */
export function capabilitySet(status: string, field: string): bigint | undefined {
  const match = new RegExp(`^${field}:\\s*([0-9a-fA-F]+)\\s*$`, 'm').exec(status);
  return match ? BigInt(`0x${match[1]}`) : undefined;
}

/** Parses a /proc/<pid>/status text; undefined when a line is missing (before Linux 4.10, or not Linux). */
export function parseCredentials(status: string): Credentials | undefined {
  const ids = (field: string) =>
    new RegExp(`^${field}:\\s*(\\d+)\\s+(\\d+)\\s+(\\d+)\\s+(\\d+)\\s*$`, 'm').exec(status)?.slice(1).map(Number);
  const [uids, gids] = [ids('Uid'), ids('Gid')];
  const sets = ['CapInh', 'CapPrm', 'CapEff', 'CapBnd', 'CapAmb'].map((f) => capabilitySet(status, f));
  const nnp = /^NoNewPrivs:\s*([01])\s*$/m.exec(status)?.[1];
  if (!uids || !gids || sets.includes(undefined) || nnp === undefined) return undefined;
  const [inheritable, permitted, effective, bounding, ambient] = sets as bigint[];
  return { uids, gids, inheritable, permitted, effective, bounding, ambient, noNewPrivs: nnp === '1' };
}

/** Capability set as /proc prints it: 16 hex digits. */
export function hex(set: bigint): string {
  return set.toString(16).padStart(16, '0');
}

/** Names of the capture capabilities in `set`, e.g. ["CAP_NET_RAW"]. */
export function captureCapabilityNames(set: bigint): string[] {
  return CAPTURE_CAPABILITIES.filter(([, bit]) => ((set >> BigInt(bit)) & 1n) === 1n).map(([name]) => name);
}

/** The calling thread's status text, or '' where there is none. */
export function readOwnStatus(): string {
  try {
    return readFileSync('/proc/thread-self/status', 'utf8');
  } catch {
    return '';
  }
}

/** Status text of every thread of this process, by thread id (threads that exit meanwhile are left out). */
export function readThreadStatuses(): Map<string, string> {
  const out = new Map<string, string>();
  for (const tid of readdirSync('/proc/self/task')) {
    try {
      out.set(tid, readFileSync(`/proc/self/task/${tid}/status`, 'utf8'));
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
    }
  }
  return out;
}
