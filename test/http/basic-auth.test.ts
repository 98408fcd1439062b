import bcrypt from 'bcryptjs';
import { describe, expect, it } from 'vitest';
import { BasicAuth, parseBasic, type BcryptCompare } from '../../src/http/basic-auth.js';

const header = (user: string, password: string) => `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;

/** A compare that records the hashes it was asked about and answers with real bcrypt. */
function spy(): { compare: BcryptCompare; hashes: string[] } {
  const hashes: string[] = [];
  return { hashes, compare: async (p, h) => {
    hashes.push(h);
    return bcrypt.compareSync(p, h);
  } };
}

describe('BasicAuth', () => {
  const users = new Map([
    ['alice', bcrypt.hashSync('wonderland', 5)],
    ['bob', bcrypt.hashSync('builder', 5)],
  ]);

  it('accepts the right password, rejects a wrong one and an unknown user, and ignores what is not Basic', async () => {
    const auth = await BasicAuth.create(users);
    expect(await auth.check(header('alice', 'wonderland'))).toEqual({ user: 'alice' });
    expect(await auth.check(header('bob', 'builder'))).toEqual({ user: 'bob' });
    expect(await auth.check(header('alice', 'builder'))).toBeUndefined();
    expect(await auth.check(header('mallory', 'wonderland'))).toBeUndefined();
    expect(await auth.check(header('', ''))).toBeUndefined();
    expect(await auth.check(undefined)).toBeUndefined();
    expect(await auth.check('Bearer abc')).toBeUndefined();
    expect(await auth.check(`Basic ${Buffer.from('alice').toString('base64')}`)).toBeUndefined();
  });

  it('checks an unknown user against a dummy hash of the same cost, so both cost one bcrypt run alike', async () => {
    const s = spy();
    const auth = await BasicAuth.create(users, s.compare);
    await auth.check(header('alice', 'wrong'));
    await auth.check(header('mallory', 'wrong'));
    expect(s.hashes).toHaveLength(2);
    expect(s.hashes[0]).toBe(users.get('alice'));
    expect(s.hashes[1]).not.toBe(users.get('alice'));
    expect(s.hashes[1]).not.toBe(users.get('bob'));
    expect(bcrypt.getRounds(s.hashes[1])).toBe(5);
  });

  it('caches successes only: a repeated scrape costs no bcrypt run, a repeated wrong guess always does', async () => {
    const s = spy();
    const auth = await BasicAuth.create(users, s.compare);
    for (let i = 0; i < 3; i++) expect(await auth.check(header('alice', 'wonderland'))).toEqual({ user: 'alice' });
    expect(s.hashes).toHaveLength(1);
    for (let i = 0; i < 3; i++) expect(await auth.check(header('alice', 'wonder'))).toBeUndefined();
    expect(s.hashes).toHaveLength(4);
    // The cache key covers the password: a different password is checked afresh.
    expect(await auth.check(header('alice', 'wonderland!'))).toBeUndefined();
    expect(s.hashes).toHaveLength(5);
  });

  it('answers busy instead of queueing more than 16 checks', async () => {
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const auth = await BasicAuth.create(users, async () => {
      await gate;
      return false;
    });
    const checks = Array.from({ length: 20 }, () => auth.check(header('alice', 'x')));
    release();
    const results = await Promise.all(checks);
    expect(results.filter((r) => r === 'busy')).toHaveLength(4);
    expect(results.filter((r) => r === undefined)).toHaveLength(16);
  });

  it('gives each client address at most --web.auth.max-checks-per-client checks under way; other clients still get theirs', async () => {
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const auth = await BasicAuth.create(
      users,
      async (p, h) => {
        await gate;
        return bcrypt.compareSync(p, h);
      },
      { maxPerClient: 3 },
    );
    const guesses = Array.from({ length: 6 }, (_, i) => auth.check(header('alice', `guess${i}`), '192.0.2.66'));
    const scraper = auth.check(header('alice', 'wonderland'), '192.0.2.10');
    release();
    expect(await Promise.all(guesses)).toEqual([undefined, undefined, undefined, 'over_budget', 'over_budget', 'over_budget']);
    expect(await scraper).toEqual({ user: 'alice' });
    // The budget is given back once the checks are done.
    expect(await auth.check(header('alice', 'guess'), '192.0.2.66')).toBeUndefined();
  });

  it('keeps successes across a reload when the user keeps the same hash, and only then', async () => {
    const s = spy();
    const before = await BasicAuth.create(users, s.compare);
    expect(await before.check(header('alice', 'wonderland'))).toEqual({ user: 'alice' });
    expect(await before.check(header('bob', 'builder'))).toEqual({ user: 'bob' });
    expect(s.hashes).toHaveLength(2);
    const bobsNewHash = bcrypt.hashSync('builder', 5);
    const rotated = new Map([...users, ['bob', bobsNewHash]]);
    const after = await BasicAuth.create(rotated, s.compare, { previous: before });
    expect(await after.check(header('alice', 'wonderland'))).toEqual({ user: 'alice' });
    expect(s.hashes).toHaveLength(2);
    expect(await after.check(header('bob', 'builder'))).toEqual({ user: 'bob' });
    expect(s.hashes).toEqual([users.get('alice'), users.get('bob'), bobsNewHash]);
    const removed = await BasicAuth.create(new Map([['bob', bobsNewHash]]), s.compare, { previous: after });
    expect(await removed.check(header('alice', 'wonderland'))).toBeUndefined();
  });

  it('takes about as long to reject an unknown user as a known user with a wrong password (real bcrypt, cost 8)', async () => {
    const auth = await BasicAuth.create(new Map([['alice', bcrypt.hashSync("wonderland", 8)]]));
    const time = async (h: string) => {
      const t = performance.now();
      expect(await auth.check(h)).toBeUndefined();
      return performance.now() - t;
    };
    const known: number[] = [];
    const unknown: number[] = [];
    for (let i = 0; i < 7; i++) {
      known.push(await time(header('alice', `guess${i}`)));
      unknown.push(await time(header(`mallory${i}`, `guess${i}`)));
    }
    const median = (xs: number[]) => xs.sort((a, b) => a - b)[xs.length >> 1];
    // Without the dummy hash an unknown user is rejected in microseconds, about 1/1000 of a bcrypt run.
    const ratio = median(unknown) / median(known);
    expect(ratio).toBeGreaterThan(0.5);
    expect(ratio).toBeLessThan(2);
  });
});

describe('parseBasic', () => {
  it('splits at the first colon, so passwords may contain colons', () => {
    expect(parseBasic(header('u', 'p:a:ss'))).toEqual({ user: 'u', password: 'p:a:ss' });
    expect(parseBasic(`basic ${Buffer.from('ü:ß').toString('base64')}`)).toEqual({ user: 'ü', password: 'ß' });
    expect(parseBasic('Basic !!!')).toBeUndefined();
  });
});
