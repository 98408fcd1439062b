import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { bcryptCompare, bcryptHash } from './bcrypt-worker.js';

/** Checks a password against a bcrypt hash. */
export type BcryptCompare = (password: string, hash: string) => Promise<boolean>;

/** Successful checks remembered, so that a scrape every few seconds costs one bcrypt run, not one per scrape. */
const CACHE_SIZE = 100;

/** bcrypt runs one at a time (each takes tens of milliseconds of a CPU, on purpose); at most this many checks may be under way. */
const MAX_WAITING = 16;

/** Result of a check: the authenticated user, `undefined` for bad or missing credentials, or `busy` when too many checks wait. */
export type AuthResult = { user: string } | undefined | 'busy';

/**
 * HTTP basic authentication against bcrypt hashes (`basic_auth_users`).
 *
 * Timing: user names are compared in constant time against every configured
 * name, and an unknown user's password is checked against a dummy hash with
 * the highest cost among the users, so an unknown user takes as long to
 * reject as a known one with a wrong password (exactly so when all users share
 * one cost). Successful checks are cached under an HMAC with a per-process key
 * of the user and password, so the cache holds no passwords.
 */
export class BasicAuth {
  private readonly cache = new Map<string, string>();
  private readonly cacheKey = randomBytes(32);
  private queue: Promise<unknown> = Promise.resolve();
  private waiting = 0;

  private constructor(
    private readonly users: readonly { digest: Buffer; name: string; hash: string }[],
    private readonly dummyHash: string,
    private readonly compare: BcryptCompare,
  ) {}

  /** Builds the checker for `users` (bcrypt hashes by name, at least one); computes the dummy hash. */
  static async create(users: ReadonlyMap<string, string>, compare: BcryptCompare = bcryptCompare): Promise<BasicAuth> {
    const cost = Math.max(...[...users.values()].map((h) => Number(h.split('$')[2])));
    const dummy = await bcryptHash(randomBytes(16).toString('hex'), cost);
    return new BasicAuth([...users].map(([name, hash]) => ({ digest: sha256(name), name, hash })), dummy, compare);
  }

  /** Checks an `Authorization` header value. */
  async check(authorization: string | undefined): Promise<AuthResult> {
    const creds = parseBasic(authorization);
    if (!creds) return undefined;
    const key = createHmac('sha256', this.cacheKey).update(JSON.stringify([creds.user, creds.password])).digest('base64');
    const cached = this.cache.get(key);
    if (cached !== undefined) return { user: cached };
    const digest = sha256(creds.user);
    let found: (typeof this.users)[number] | undefined;
    // No early exit: every name is compared, whichever matches.
    for (const u of this.users) if (timingSafeEqual(digest, u.digest)) found = u;
    if (this.waiting >= MAX_WAITING) return 'busy';
    const ok = await this.serialized(() => this.compare(creds.password, found?.hash ?? this.dummyHash));
    if (!ok || !found) return undefined;
    if (this.cache.size >= CACHE_SIZE) this.cache.delete(this.cache.keys().next().value!);
    this.cache.set(key, found.name);
    return { user: found.name };
  }

  /** Runs `fn` after every earlier check has finished. */
  private async serialized<T>(fn: () => Promise<T>): Promise<T> {
    this.waiting++;
    const run = this.queue.then(fn, fn);
    this.queue = run.catch(() => undefined);
    try {
      return await run;
    } finally {
      this.waiting--;
    }
  }
}

/** User and password of a `Basic` Authorization header, or undefined when it is not one. */
export function parseBasic(header: string | undefined): { user: string; password: string } | undefined {
  const m = /^Basic +([A-Za-z0-9+/]+={0,2}) *$/i.exec(header ?? '');
  if (!m) return undefined;
  const text = Buffer.from(m[1], 'base64').toString('utf8');
  const colon = text.indexOf(':');
  return colon < 0 ? undefined : { user: text.slice(0, colon), password: text.slice(colon + 1) };
}

function sha256(s: string): Buffer {
  return createHash('sha256').update(s).digest();
}
