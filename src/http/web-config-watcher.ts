import type { Logger } from 'pino';
import { BasicAuth } from './basic-auth.js';
import { readWebConfig, WebConfigError, type WebConfig } from './web-config.js';

/** A web config in force: the file's settings and the password checker built from them. */
export interface ActiveWebConfig {
  /** The validated file. */
  config: WebConfig;
  /** Basic authentication; undefined when the file lists no users. */
  auth?: BasicAuth;
}

/** How often the file and the files it names are re-read and compared by content hash. */
const POLL_MS = 1000;

/** A changed file is applied only when it reads the same twice this far apart, so a half-written file is not taken. */
const SETTLE_MS = 100;

/** Result of reading the file: the config, or the one-line reason it is unusable. */
type Attempt = { config: WebConfig; key: string } | { error: string; key: string };

/**
 * Keeps the web config file (`--web.config.file`) in force: polls the file
 * and every file it names by content hash, which also catches editors that
 * replace the file by renaming and certificate renewals. A good new version
 * replaces the current one; a broken one is logged once (per distinct error)
 * and the last good config stays.
 */
export class WebConfigWatcher {
  /** Reloads attempted after start, by outcome. */
  readonly reloads = { success: 0, failure: 0 };
  /** Whether the last reload attempt succeeded (true until one fails). */
  lastReloadSuccessful = true;
  /** Unix time of the last successful load, the start included. */
  lastSuccessTime = Date.now() / 1000;
  private readonly listeners: ((c: ActiveWebConfig) => void)[] = [];
  private failedKey: string | undefined;
  private timer: NodeJS.Timeout | undefined;
  private checking = false;

  private constructor(
    readonly path: string,
    private active: ActiveWebConfig,
    private readonly log: Logger,
    private readonly maxChecksPerClient: number | undefined,
  ) {}

  /**
   * Loads `path` (throwing a one-line WebConfigError when it is unusable) and
   * starts watching it; `maxChecksPerClient` bounds the password checks one
   * client address may have under way.
   */
  static async start(path: string, log: Logger, maxChecksPerClient?: number): Promise<WebConfigWatcher> {
    const config = readWebConfig(path);
    const w = new WebConfigWatcher(path, { config, auth: await authFor(config, undefined, maxChecksPerClient) }, log, maxChecksPerClient);
    w.schedule();
    return w;
  }

  /** The config in force. */
  get current(): ActiveWebConfig {
    return this.active;
  }

  /** Calls `fn` with every newly applied config; a throw rejects that config. */
  onChange(fn: (c: ActiveWebConfig) => void): void {
    this.listeners.push(fn);
  }

  /** Re-reads the files now and applies or reports a change (what the poll timer runs). */
  async check(): Promise<void> {
    if (this.checking) return;
    this.checking = true;
    try {
      const first = this.attempt();
      if (first.key === this.active.config.fingerprint) {
        this.failedKey = undefined;
        if (!this.lastReloadSuccessful) this.log.info({ file: this.path }, 'web config is back to the configuration in force');
        this.lastReloadSuccessful = true;
        return;
      }
      if (first.key === this.failedKey) return;
      await new Promise((r) => setTimeout(r, SETTLE_MS));
      const next = this.attempt();
      if (next.key !== first.key) return; // still being written; the next poll looks again
      if ('error' in next) return this.fail(next.error, next.key);
      const downgrade = weakening(this.active.config, next.config);
      if (downgrade) return this.fail(`web config ${this.path}: ${downgrade}`, next.key, 'warn');
      let active: ActiveWebConfig;
      try {
        active = { config: next.config, auth: await authFor(next.config, this.active.auth, this.maxChecksPerClient) };
        for (const fn of this.listeners) fn(active);
      } catch (err) {
        return this.fail(`web config ${this.path}: ${(err as Error).message.split('\n')[0]}`, next.key);
      }
      this.active = active;
      this.failedKey = undefined;
      this.reloads.success++;
      this.lastReloadSuccessful = true;
      this.lastSuccessTime = Date.now() / 1000;
      this.log.info({ file: this.path, tls: Boolean(next.config.tls), users: next.config.users.size }, 'web config reloaded');
    } finally {
      this.checking = false;
    }
  }

  /** Stops watching. */
  close(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
  }

  private attempt(): Attempt {
    try {
      const config = readWebConfig(this.path);
      return { config, key: config.fingerprint };
    } catch (err) {
      if (!(err instanceof WebConfigError)) throw err;
      return { error: err.message, key: err.message };
    }
  }

  private fail(message: string, key: string, level: 'error' | 'warn' = 'error'): void {
    this.failedKey = key;
    this.reloads.failure++;
    this.lastReloadSuccessful = false;
    this.log[level]({ err: message }, 'web config reload failed; keeping the last good configuration');
  }

  private schedule(): void {
    this.timer = setTimeout(() => {
      this.check().then(
        () => this.timer && this.schedule(),
        (err: unknown) => {
          this.log.error({ err: (err as Error).message }, 'web config check failed');
          if (this.timer) this.schedule();
        },
      );
    }, POLL_MS);
    this.timer.unref();
  }
}

/** The password checker of `config`, keeping the still-valid successes of `previous`. */
async function authFor(config: WebConfig, previous: BasicAuth | undefined, maxPerClient: number | undefined): Promise<BasicAuth | undefined> {
  return config.users.size > 0 ? BasicAuth.create(config.users, undefined, { previous, maxPerClient }) : undefined;
}

/**
 * Why going from `now` to `next` needs a restart, or undefined when a reload
 * may apply it: switching between HTTP and HTTPS, and anything that removes
 * protection (basic auth, client certificates), which a truncated or emptied
 * file would otherwise do silently.
 */
function weakening(now: WebConfig, next: WebConfig): string | undefined {
  if (!next.tls !== !now.tls) return 'tls_server_config: switching between HTTP and HTTPS needs a restart';
  if (now.users.size > 0 && next.users.size === 0) return 'basic_auth_users: a reload cannot turn basic authentication off; restart to do that';
  if (now.tls && next.tls && now.tls.clientAuth !== 'NoClientCert' && next.tls.clientAuth === 'NoClientCert') {
    return 'tls_server_config.client_auth_type: a reload cannot turn client certificates off; restart to do that';
  }
  return undefined;
}
