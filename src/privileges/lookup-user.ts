import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { PrivilegeError } from './privilege-error.js';

/** A user account's name and numeric ids. */
export interface UserIds {
  /** Login name. */
  name: string;
  /** Numeric user id. */
  uid: number;
  /** Primary group id. */
  gid: number;
}

/**
 * Resolves a user name or numeric uid through NSS (`getent passwd`, so LDAP
 * and systemd users count), falling back to /etc/passwd where getent is absent.
 */
export function lookupUser(user: string): UserIds {
  if (!/^[A-Za-z0-9_.][A-Za-z0-9_.-]*\$?$/.test(user)) {
    throw new PrivilegeError(`invalid user name: ${JSON.stringify(user)}`);
  }
  const line = getent(user) ?? passwdFile(user);
  const f = line?.split(':');
  if (!f || f.length < 4) throw new PrivilegeError(`unknown user: ${user}`);
  return { name: f[0], uid: Number(f[2]), gid: Number(f[3]) };
}

/** The passwd line from getent; undefined when getent is not installed. */
function getent(user: string): string | null | undefined {
  try {
    return execFileSync('getent', ['passwd', user], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] })
      .split('\n')[0];
  } catch (err) {
    // Exit status 2 is getent's "no such key".
    if ((err as { status?: number }).status === 2) return null;
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new PrivilegeError(`cannot look up user ${user}: ${(err as Error).message.split('\n')[0]}`, { cause: err });
  }
}

/** The matching /etc/passwd line (by name, or by uid when `user` is numeric). */
function passwdFile(user: string): string | undefined {
  let text: string;
  try {
    text = readFileSync('/etc/passwd', 'utf8');
  } catch (err) {
    throw new PrivilegeError(`cannot look up user ${user}: ${(err as Error).message}`, { cause: err });
  }
  const column = /^\d+$/.test(user) ? 2 : 0;
  return text.split('\n').find((l) => l.split(':')[column] === user);
}
