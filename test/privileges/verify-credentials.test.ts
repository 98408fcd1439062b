import { describe, expect, it } from 'vitest';
import { PrivilegeError } from '../../src/privileges/privilege-error.js';
import { verifyCredentials } from '../../src/privileges/verify-credentials.js';
import { statusText } from './status-text.js';

const nobody = { name: 'nobody', uid: 65534, gid: 65534 };
const KEEP = 0x3000n;
/** The calling thread as the switch leaves it: NET_RAW|NET_ADMIN, nothing else. */
const main = statusText({});
/** A helper thread that existed during the switch: no capabilities, its bounding set untouched. */
const helper = statusText({ prm: '0000000000000000', eff: '0000000000000000', bnd: '000001ffffffffff' });

const check = (self: string, others: string[] = []) => () =>
  verifyCredentials(nobody, KEEP, self, new Map([['100', self], ...others.map((s, i) => [String(101 + i), s] as [string, string])]));

describe('verifyCredentials', () => {
  it('accepts the state the switch leaves', () => {
    expect(check(main, [helper, helper, main])).not.toThrow();
    expect(() => verifyCredentials(nobody, 0x2000n, statusText({ prm: '0000000000002000', eff: '0000000000002000', bnd: '0000000000002000' }), new Map())).not.toThrow();
  });

  it.each([
    [{ prm: '0000000000002000' }, 'CapPrm 0000000000002000, expected 0000000000003000'],
    [{ eff: '0000000000000000' }, 'CapEff 0000000000000000, expected 0000000000003000'],
    [{ prm: '0000000000003001', eff: '0000000000003001' }, 'CapPrm 0000000000003001, expected 0000000000003000'],
    [{ bnd: '0000000000003080' }, 'CapBnd 0000000000003080, expected nothing outside 0000000000003000'],
    [{ uid: '65534\t0\t65534\t65534' }, 'thread 100 with Uid 65534 0 65534 65534'],
    [{ gid: '0\t0\t0\t0' }, 'thread 100 with Gid 0 0 0 0'],
    [{ inh: '0000000000002000' }, 'thread 100 with CapInh 0000000000002000 CapAmb 0000000000000000'],
    [{ amb: '0000000000002000' }, 'thread 100 with CapInh 0000000000000000 CapAmb 0000000000002000'],
    [{ nnp: '0' }, 'thread 100 with NoNewPrivs 0'],
  ])('rejects the calling thread with %j', (lines, what) => {
    expect(check(statusText(lines))).toThrow(new PrivilegeError(`switching to user nobody left ${what}`));
  });

  it.each([
    [{ eff: '0000000000200000', prm: '0000000000200000', bnd: '000001ffffffffff' }, 'thread 101 with CapPrm 0000000000200000 CapEff 0000000000200000, more than 0000000000003000'],
    [{ uid: '0\t0\t0\t0' }, 'thread 101 with Uid 0 0 0 0'],
    [{ nnp: '0', prm: '0000000000000000', eff: '0000000000000000' }, 'thread 101 with NoNewPrivs 0'],
  ])('rejects another thread with %j', (lines, what) => {
    expect(check(main, [statusText(lines)])).toThrow(new PrivilegeError(`switching to user nobody left ${what}`));
  });

  it('rejects unreadable credentials', () => {
    expect(check('')).toThrow(new PrivilegeError('switching to user nobody left no readable credentials in /proc/thread-self/status'));
    expect(check(main, ['Name:\tnode\n'])).toThrow(new PrivilegeError('switching to user nobody left thread 101 without readable credentials'));
  });
});
