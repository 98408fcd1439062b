// Switching user changes the whole process, so it is tested in a child
// process (src/source/live-process.test.ts, test/privileges/); these cases
// leave ids alone.
import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { dropPrivileges, runAsUser } from './drop.js';
import { lookupUser } from './lookup-user.js';
import { PrivilegeError } from './privilege-error.js';

const id = (flag: string, user: string) => Number(execFileSync('id', [flag, user], { encoding: 'utf8' }).trim());

describe('lookupUser', () => {
  it('resolves a name like id(1) does', () => {
    expect(lookupUser('nobody')).toEqual({ name: 'nobody', uid: id('-u', 'nobody'), gid: id('-g', 'nobody') });
  });

  it('resolves a numeric uid to its account', () => {
    expect(lookupUser(String(id('-u', 'nobody'))).name).toBe('nobody');
  });

  it('rejects unknown and malformed names in one line', () => {
    expect(() => lookupUser('nsnosuchuser')).toThrow(new PrivilegeError('unknown user: nsnosuchuser'));
    expect(() => lookupUser('-x')).toThrow(new PrivilegeError('invalid user name: "-x"'));
  });
});

describe('dropPrivileges', () => {
  it('fails on an unknown user before changing anything', () => {
    const before = [process.getuid?.(), process.getgid?.()];
    expect(() => dropPrivileges('nsnosuchuser')).toThrow(new PrivilegeError('unknown user: nsnosuchuser'));
    expect([process.getuid?.(), process.getgid?.()]).toEqual(before);
  });

  it('refuses root, uid 0 and an empty name before changing anything, never claiming a drop', () => {
    const before = [process.getuid?.(), process.geteuid?.(), process.getgid?.(), process.getgroups?.()];
    const root = 'is uid 0, which keeps every privilege: name an unprivileged user, or leave the option out';
    expect(() => dropPrivileges('root')).toThrow(new PrivilegeError(`--run-as root ${root}`));
    expect(() => dropPrivileges('0')).toThrow(new PrivilegeError(`--run-as 0 ${root}`));
    expect(() => runAsUser('')).toThrow(new PrivilegeError('--run-as is empty: name the unprivileged user to switch to, or leave the option out'));
    expect([process.getuid?.(), process.geteuid?.(), process.getgid?.(), process.getgroups?.()]).toEqual(before);
  });

  // As root (CI) the process's own user is root, which is refused above.
  it.skipIf(process.getuid?.() === 0)('is a no-op for the user the process already runs as, and says so', () => {
    const me = execFileSync('id', ['-un'], { encoding: 'utf8' }).trim();
    const groups = process.getgroups?.();
    expect(dropPrivileges(me)).toMatchObject({ uid: process.getuid?.(), switched: false });
    expect(process.getgroups?.()).toEqual(groups);
  });
});
