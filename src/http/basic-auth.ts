import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { bcryptCompare, bcryptHash } from './bcrypt-worker.js';
import { HTTP_LIMIT_DEFAULTS } from './limits.js';
import { OldestFirst } from '../util/oldest-first.js';

/** Checks a password against a bcrypt hash. */
export type BcryptCompare = (password: string, hash: string) => Promise<boolean>;

/** Successful checks remembered, so that a scrape every few seconds costs one bcrypt run, not one per scrape. */
const CACHE_SIZE = 100;

/** bcrypt runs one at a time (each takes tens of milliseconds of a CPU, on purpose); at most this many checks may be under way. */
const MAX_WAITING = 16;

/** Key of the success cache's HMAC: one per process, so that a reloaded checker can take over its predecessor's entries. */
const CACHE_KEY = randomBytes(32);

/**
 * Result of a check: the authenticated user, `undefined` for bad or missing
 * credentials, `busy` when too many checks wait, or `over_budget` when this
 * client already has its share of them under way.
 */
export type AuthResult = { user: string } | undefined | 'busy' | 'over_budget';

/** A remembered success: the user and the hash the password was verified against. */
interface CacheEntry {
  name: string;
  hash: string;
}

/**
 * HTTP basic authentication against bcrypt hashes (`basic_auth_users`).
 *
 * Timing: user names are compared in constant time against every configured
 * name, and an unknown user's password is checked against a dummy hash with
 * the highest cost among the users, so an unknown user takes as long to
 * reject as a known one with a wrong password (exactly so when all users share
 * one cost). Successful checks are cached under an HMAC with a per-process key
 * of the user and password, so the cache holds no passwords.
 *
 * Fairness: each client address may have at most `maxPerClient` checks under
 * way, so one guessing client cannot fill the queue; successes verified
 * against a hash that a reload left unchanged stay cached, so a reload does
 * not send the scraper back into the queue.
 */
export class BasicAuth {
  private readonly cache = new Map<string, CacheEntry>();
  private readonly oldest = new OldestFirst(this.cache);
  private readonly perClient = new Map<string, number>();
  private queue: Promise<unknown> = Promise.resolve();
  private waiting = 0;

  private constructor(
    private readonly users: readonly { digest: Buffer; name: string; hash: string }[],
    private readonly dummyHash: string,
    private readonly compare: BcryptCompare,
    private readonly maxPerClient: number,
  ) {}

  /**
   * Builds the checker for `users` (bcrypt hashes by name, at least one) and
   * computes the dummy hash. Successes of `previous` whose user still has the
   * same hash are kept.
   */
  static async create(users: ReadonlyMap<string, string>, compare: BcryptCompare = bcryptCompare, options: { previous?: BasicAuth; maxPerClient?: number } = {}): Promise<BasicAuth> {
    const cost = Math.max(...[...users.values()].map((h) => Number(h.split('$')[2])));
    const dummy = await bcryptHash(randomBytes(16).toString('hex'), cost);
    const auth = new BasicAuth([...users].map(([name, hash]) => ({ digest: sha256(name), name, hash })), dummy, compare, options.maxPerClient ?? HTTP_LIMIT_DEFAULTS.maxChecksPerClient);
    for (const [key, entry] of options.previous?.cache ?? []) if (users.get(entry.name) === entry.hash) auth.cache.set(key, entry);
    return auth;
  }

  /** Checks an `Authorization` header value sent by `client` (an address; undefined: no per-client budget). */
  async check(authorization: string | undefined, client?: string): Promise<AuthResult> {
    const creds = parseBasic(authorization);
    if (!creds) return undefined;
    const key = createHmac('sha256', CACHE_KEY).update(JSON.stringify([creds.user, creds.password])).digest('base64');
    const cached = this.cache.get(key);
    if (cached !== undefined) return { user: cached.name };
    const digest = sha256(creds.user);
    let found: (typeof this.users)[number] | undefined;
    // No early exit: every name is compared, whichever matches.
    for (const u of this.users) if (timingSafeEqual(digest, u.digest)) found = u;
    const mine = client === undefined ? 0 : (this.perClient.get(client) ?? 0);
    if (mine >= this.maxPerClient) return 'over_budget';
    if (this.waiting >= MAX_WAITING) return 'busy';
    if (client !== undefined) this.perClient.set(client, mine + 1);
    let ok: boolean;
    try {
      ok = await this.serialized(() => this.compare(creds.password, found?.hash ?? this.dummyHash));
    } finally {
      if (client !== undefined) {
        const left = (this.perClient.get(client) ?? 1) - 1;
        if (left > 0) this.perClient.set(client, left);
        else this.perClient.delete(client);
      }
    }
    if (!ok || !found) return undefined;
    if (this.cache.size >= CACHE_SIZE) this.oldest.take();
    this.cache.set(key, { name: found.name, hash: found.hash });
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
