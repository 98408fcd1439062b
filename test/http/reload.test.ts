import { copyFileSync, mkdtempSync, renameSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import bcrypt from 'bcryptjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { waitFor } from '../support/wait-for.js';
import { sample } from '../cli/spawn.js';
import { get, type GetOptions } from './client.js';
import { startServed, type Served } from './harness.js';
import { makePki, type TestPki } from './pki.js';

let pki: TestPki;
let path: string;
let served: Served | undefined;

const alice: GetOptions = { auth: { user: 'alice', password: 'wonderland' } };
const bob: GetOptions = { auth: { user: 'bob', password: 'builder' } };
const users = (name: string, password: string) => `basic_auth_users:\n  ${name}: ${bcrypt.hashSync(password, 4)}\n`;

beforeAll(() => {
  pki = makePki(mkdtempSync(join(tmpdir(), 'netscore-reload-')));
});
afterAll(() => rmSync(pki.dir, { recursive: true, force: true }));

/** Starts netscore on a web config with `text`, written to a fresh file next to the certificates. */
async function start(text: string): Promise<Served> {
  path = join(pki.dir, `web-${Date.now()}.yml`);
  writeFileSync(path, text);
  served = await startServed({ 'web.config.file': path });
  return served;
}

async function stop(): Promise<void> {
  await served?.close();
  served = undefined;
}

/** Status of GET /metrics with `opts`. */
async function status(url: string, opts: GetOptions): Promise<number> {
  return (await get(`${url}/metrics`, opts)).status;
}

/** The reload metrics, scraped with `opts`. */
async function reloadMetrics(url: string, opts: GetOptions) {
  const text = (await get(`${url}/metrics`, opts)).body;
  return {
    ok: sample(text, 'netscore_web_config_last_reload_successful'),
    success: sample(text, 'netscore_web_config_reloads_total', { result: 'success' }),
    failure: sample(text, 'netscore_web_config_reloads_total', { result: 'failure' }),
  };
}

const failures = (s: Served) => s.logs().filter((r) => r.msg === 'web config reload failed; keeping the last good configuration');

describe('web config reload', () => {
  it('applies a changed file within seconds, and keeps the last good config while the file is broken, saying why once', async () => {
    const s = await start(users('alice', 'wonderland'));
    try {
      const url = s.urls[0];
      expect(await status(url, alice)).toBe(200);
      expect(await status(url, bob)).toBe(401);

      writeFileSync(path, users('bob', 'builder'));
      await waitFor(async () => (await status(url, bob)) === 200, { timeoutMs: 10_000, what: 'bob to be let in' });
      expect(await status(url, alice)).toBe(401);
      expect(await reloadMetrics(url, bob)).toEqual({ ok: 1, success: 1, failure: 0 });
      expect(s.logs().filter((r) => r.msg === 'web config reloaded')).toHaveLength(1);

      writeFileSync(path, 'basic_auth_users:\n  carol: hunter2\n');
      await waitFor(() => failures(s).length > 0, { timeoutMs: 10_000, what: 'the failed reload to be logged' });
      expect(failures(s)[0].err).toBe(`web config ${path}: basic_auth_users.carol: not a bcrypt hash ($2a$, $2b$ or $2y$, e.g. from htpasswd -nBC 10 "" | tr -d ':\\n')`);
      expect(await status(url, bob)).toBe(200);
      // Several more polls of the same broken file: still one line, one failure.
      await new Promise((r) => setTimeout(r, 2500));
      expect(failures(s)).toHaveLength(1);
      expect(await reloadMetrics(url, bob)).toEqual({ ok: 0, success: 1, failure: 1 });

      writeFileSync(path, users('alice', 'wonderland'));
      await waitFor(async () => (await status(url, alice)) === 200, { timeoutMs: 10_000, what: 'alice to be let in again' });
      expect(await reloadMetrics(url, alice)).toEqual({ ok: 1, success: 2, failure: 1 });
    } finally {
      await stop();
    }
  });

  it('follows editors that replace the file by renaming, and survives the file vanishing for a while', async () => {
    const s = await start(users('alice', 'wonderland'));
    try {
      const url = s.urls[0];
      const bobOnly = users('bob', 'builder');
      writeFileSync(`${path}.swp`, bobOnly);
      renameSync(`${path}.swp`, path);
      await waitFor(async () => (await status(url, bob)) === 200, { timeoutMs: 10_000, what: 'the renamed file to be applied' });

      unlinkSync(path);
      await waitFor(() => failures(s).length > 0, { timeoutMs: 10_000, what: 'the missing file to be logged' });
      expect(failures(s)[0].err).toBe(`web config ${path}: cannot read: ENOENT`);
      expect(await status(url, bob)).toBe(200);
      expect(await reloadMetrics(url, bob)).toEqual({ ok: 0, success: 1, failure: 1 });

      // The same content comes back: nothing to apply, and the gauge recovers.
      writeFileSync(path, bobOnly);
      await waitFor(async () => (await reloadMetrics(url, bob)).ok === 1, { timeoutMs: 10_000, what: 'the gauge to recover' });
      expect(await reloadMetrics(url, bob)).toEqual({ ok: 1, success: 1, failure: 1 });
    } finally {
      await stop();
    }
  });

  it('installs renewed certificates and a new client-certificate policy on the running listener', async () => {
    const dir = mkdtempSync(join(pki.dir, 'tls-'));
    copyFileSync(pki.serverCertFile, join(dir, 'server.crt'));
    copyFileSync(pki.serverKeyFile, join(dir, 'server.key'));
    copyFileSync(pki.caFile, join(dir, 'ca.crt'));
    const tls = 'tls_server_config:\n  cert_file: server.crt\n  key_file: server.key\n';
    path = join(dir, 'web.yml');
    writeFileSync(path, tls);
    served = await startServed({ 'web.config.file': path });
    try {
      const url = served.urls[0];
      const trustingOld = { ca: pki.pem('ca.crt') };
      const trustingNew = { ca: pki.pem('rogue-ca.crt') };
      expect(await status(url, trustingOld)).toBe(200);

      copyFileSync(join(pki.dir, 'server2.key'), join(dir, 'server.key'));
      copyFileSync(join(pki.dir, 'server2.crt'), join(dir, 'server.crt'));
      await waitFor(async () => (await status(url, trustingNew).catch(() => 0)) === 200, { timeoutMs: 10_000, what: 'the renewed certificate' });
      await expect(status(url, trustingOld)).rejects.toThrow(/self-signed|unable to (get|verify)/);

      writeFileSync(path, `${tls}  client_auth_type: RequireAndVerifyClientCert\n  client_ca_file: ca.crt\n`);
      const withCert = { ...trustingNew, cert: pki.pem('client.crt'), key: pki.pem('client.key') };
      await waitFor(async () => (await status(url, trustingNew).catch(() => 0)) === 0, { timeoutMs: 10_000, what: 'clients without a certificate to be refused' });
      expect(await status(url, withCert)).toBe(200);
    } finally {
      await stop();
    }
  });

  it('refuses a reload that would turn basic auth off (an emptied file), with a warning', async () => {
    const s = await start(users('alice', 'wonderland'));
    try {
      writeFileSync(path, '');
      await waitFor(() => failures(s).length > 0, { timeoutMs: 10_000, what: 'the refused reload to be logged' });
      expect(failures(s)[0]).toMatchObject({ level: 'warn', err: `web config ${path}: basic_auth_users: a reload cannot turn basic authentication off; restart to do that` });
      expect(await status(s.urls[0], {})).toBe(401);
      expect(await status(s.urls[0], alice)).toBe(200);
      expect(await reloadMetrics(s.urls[0], alice)).toEqual({ ok: 0, success: 0, failure: 1 });
    } finally {
      await stop();
    }
  });

  it('refuses a reload that would turn client certificates off, with a warning', async () => {
    const dir = mkdtempSync(join(pki.dir, 'mtls-'));
    for (const f of ['server.crt', 'server.key', 'ca.crt']) copyFileSync(join(pki.dir, f), join(dir, f));
    const tls = 'tls_server_config:\n  cert_file: server.crt\n  key_file: server.key\n';
    path = join(dir, 'web.yml');
    writeFileSync(path, `${tls}  client_auth_type: RequireAndVerifyClientCert\n  client_ca_file: ca.crt\n`);
    served = await startServed({ 'web.config.file': path });
    try {
      const s = served;
      writeFileSync(path, tls);
      await waitFor(() => failures(s).length > 0, { timeoutMs: 10_000, what: 'the refused reload to be logged' });
      expect(failures(s)[0]).toMatchObject({ level: 'warn', err: `web config ${path}: tls_server_config.client_auth_type: a reload cannot turn client certificates off; restart to do that` });
      await expect(status(s.urls[0], { ca: pki.pem('ca.crt') })).rejects.toThrow();
    } finally {
      await stop();
    }
  });

  it('refuses to switch between HTTP and HTTPS without a restart', async () => {
    const s = await start(users('alice', 'wonderland'));
    try {
      writeFileSync(path, `tls_server_config:\n  cert_file: server.crt\n  key_file: server.key\n${users('alice', 'wonderland')}`);
      await waitFor(() => failures(s).length > 0, { timeoutMs: 10_000, what: 'the refused switch to be logged' });
      expect(failures(s)[0].err).toBe(`web config ${path}: tls_server_config: switching between HTTP and HTTPS needs a restart`);
      expect(await status(s.urls[0], alice)).toBe(200);
    } finally {
      await stop();
    }
  });
});
