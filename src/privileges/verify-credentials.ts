import { hex, parseCredentials } from './credentials.js';
import type { UserIds } from './lookup-user.js';
import { PrivilegeError } from './privilege-error.js';

/**
 * Checks what switching to `target` while keeping the capability set `keep`
 * must leave. On the calling thread, which reopens captures: exactly `keep`
 * permitted and effective, nothing else in the bounding set. On every thread:
 * the target's uids and gids, no capability outside `keep`, none inheritable
 * or ambient, and no_new_privs. Throws a PrivilegeError naming the first
 * difference.
 * @param self status text of the calling thread (/proc/thread-self/status)
 * @param threads status text of every thread, by thread id
 */
export function verifyCredentials(target: UserIds, keep: bigint, self: string, threads: Map<string, string>): void {
  const fail = (what: string): never => {
    throw new PrivilegeError(`switching to user ${target.name} left ${what}`);
  };
  const own = parseCredentials(self) ?? fail('no readable credentials in /proc/thread-self/status');
  if (own.permitted !== keep) fail(`CapPrm ${hex(own.permitted)}, expected ${hex(keep)}`);
  if (own.effective !== keep) fail(`CapEff ${hex(own.effective)}, expected ${hex(keep)}`);
  if ((own.bounding & ~keep) !== 0n) fail(`CapBnd ${hex(own.bounding)}, expected nothing outside ${hex(keep)}`);
  for (const [tid, status] of threads) {
    const c = parseCredentials(status) ?? fail(`thread ${tid} without readable credentials`);
    const thread = `thread ${tid} with`;
    if (c.uids.some((id) => id !== target.uid)) fail(`${thread} Uid ${c.uids.join(' ')}`);
    if (c.gids.some((id) => id !== target.gid)) fail(`${thread} Gid ${c.gids.join(' ')}`);
    if (((c.permitted | c.effective) & ~keep) !== 0n) {
      fail(`${thread} CapPrm ${hex(c.permitted)} CapEff ${hex(c.effective)}, more than ${hex(keep)}`);
    }
    if (c.inheritable !== 0n || c.ambient !== 0n) fail(`${thread} CapInh ${hex(c.inheritable)} CapAmb ${hex(c.ambient)}`);
    if (!c.noNewPrivs) fail(`${thread} NoNewPrivs 0`);
  }
}
