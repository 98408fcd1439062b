import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { connect, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import bcrypt from 'bcryptjs';
import { Registry } from 'prom-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HttpStats } from '../../src/http/http-stats.js';
import { createApp, listen } from '../../src/http/server.js';
import type { Anomaly } from '../../src/model/anomaly.js';
import { sample } from '../cli/spawn.js';
import { get, type GetOptions } from './client.js';
import { withServed } from './harness.js';
import { makePki, type TestPki } from './pki.js';

let pki: TestPki;
let n = 0;

beforeAll(() => {
  pki = makePki(mkdtempSync(join(tmpdir(), 'netscore-http-')));
});
afterAll(() => rmSync(pki.dir, { recursive: true, force: true }));

/** Writes a web config into the PKI directory and returns its path. */
function webConfig(text: string): string {
  const path = join(pki.dir, `web-${n++}.yml`);
  writeFileSync(path, text);
  return path;
}

/** Opens a raw TCP connection to the server of `url`. */
function rawConnect(url: string): Promise<Socket> {
  const u = new URL(url);
  return new Promise((resolve, reject) => {
    const s = connect(Number(u.port), u.hostname.replace(/^\[|\]$/g, ''), () => resolve(s));
    s.on('error', reject);
  });
}

/** Everything the server sends until it closes the connection, and how long that took. */
function untilClosed(s: Socket): Promise<{ text: string; ms: number }> {
  const t = performance.now();
  let text = '';
  s.on('data', (d) => (text += d));
  return new Promise((resolve) => s.on('close', () => resolve({ text, ms: performance.now() - t })));
}

async function metrics(url: string, opts: GetOptions = {}): Promise<string> {
  const r = await get(`${url}/metrics`, opts);
  expect(r.status).toBe(200);
  return r.body;
}

function anomaly(i: number): Anomaly {
  return { window_start: i, window_end: i + 10, host: `10.0.${i >> 8}.${i & 255}`, score: 0.9, category: 'scan', severity: 'warning', top_features: [] } as unknown as Anomaly;
}

describe('HTTP limits', () => {
  it('bounds /api/anomalies?limit=: capped at 1000, bad values and unknown parameters get a one-line 400', async () => {
    await withServed({ 'anomaly.ring-size': '2000' }, async ({ urls: [url], service }) => {
      for (let i = 0; i < 1500; i++) service.scoring!.ring.push(anomaly(i));
      const list = async (q: string) => JSON.parse((await get(`${url}/api/anomalies${q}`)).body) as Anomaly[];
      expect(await list('')).toHaveLength(100);
      expect((await list('?limit=3')).map((a) => a.window_start)).toEqual([1499, 1498, 1497]);
      expect(await list('?limit=1000000')).toHaveLength(1000);
      for (const [q, message] of [
        ['?limit=abc', 'query parameter "limit" must be an integer of at least 1, got "abc"\n'],
        ['?limit=0', 'query parameter "limit" must be an integer of at least 1, got "0"\n'],
        ['?limit=-1', 'query parameter "limit" must be an integer of at least 1, got "-1"\n'],
        ['?limit=1e3', 'query parameter "limit" must be an integer of at least 1, got "1e3"\n'],
        ['?limit=99999999999999999999', 'query parameter "limit" must be an integer of at least 1, got "99999999999999999999"\n'],
        ['?limit=5&limit=6', 'query parameter "limit" given more than once\n'],
        ['?hots=10.0.0.1', 'unknown query parameter "hots" (known: limit, host, category, severity, from, to)\n'],
      ]) {
        const r = await get(`${url}/api/anomalies${q}`);
        expect([q, r.status, r.headers['content-type'], r.body]).toEqual([q, 400, 'text/plain; charset=utf-8', message]);
      }
    });
  });

  it('filters /api/anomalies by host, category, severity and window time, explains each top feature, and answers a bad filter with a one-line 400', async () => {
    await withServed({}, async ({ urls: [url], service }) => {
      const at = (i: number, host: string, category: string, severity: string): Anomaly =>
        ({ ...anomaly(i), window_start: 1_700_000_000 + 10 * i, window_end: 1_700_000_010 + 10 * i, host, category, severity, top_features: [{ feature: 'peak_packet_rate', value: 900, median: 3 }] }) as unknown as Anomaly;
      const pushed = [at(0, '10.0.0.1', 'scan', 'warning'), at(1, '10.0.0.2', 'flood', 'critical'), at(2, '2001:db8::1', 'flood', 'warning'), at(3, '10.0.0.1', 'flood', 'critical')];
      for (const a of pushed) service.scoring!.ring.push(a);
      const starts = async (q: string) => {
        const r = await get(`${url}/api/anomalies${q}`);
        expect([q, r.status]).toEqual([q, 200]);
        return (JSON.parse(r.body) as Anomaly[]).map((a) => (a.window_start - 1_700_000_000) / 10);
      };
      expect(await starts('')).toEqual([3, 2, 1, 0]);
      expect(await starts('?host=10.0.0.1')).toEqual([3, 0]);
      expect(await starts('?host=2001:0db8:0:0:0:0:0:1')).toEqual([2]);
      expect(await starts('?category=flood')).toEqual([3, 2, 1]);
      expect(await starts('?severity=critical&category=flood')).toEqual([3, 1]);
      expect(await starts('?host=10.0.0.1&category=flood&limit=5')).toEqual([3]);
      // Windows are [start, start + 10): from/to select those that overlap, in seconds or ISO 8601.
      expect(await starts('?from=1700000015&to=1700000020')).toEqual([2, 1]);
      expect(await starts(`?from=${encodeURIComponent('2023-11-14T22:13:45Z')}`)).toEqual([3, 2]);
      expect(await starts(`?to=${encodeURIComponent('2023-11-14T23:13:25+01:00')}`)).toEqual([0]);
      const [first] = JSON.parse((await get(`${url}/api/anomalies?limit=1`)).body) as { top_features: unknown[] }[];
      expect(first.top_features).toEqual([{ feature: 'peak_packet_rate', value: 900, median: 3, unit: 'packets per second', description: 'Most packets the host sent in flows it initiated within one second of the window' }]);
      for (const [q, message] of [
        ['?host=10.0.0', 'query parameter "host" must be an IPv4 or IPv6 address, got "10.0.0"\n'],
        ['?category=ddos', 'query parameter "category" must be one of scan, flood, dns-tunnel, tunnel, brute-force, beacon, exfiltration, other, got "ddos"\n'],
        ['?severity=high', 'query parameter "severity" must be one of warning, critical, got "high"\n'],
        ['?from=yesterday', 'query parameter "from" must be seconds since the epoch or an ISO 8601 date-time such as 2024-05-01T12:00:00Z, got "yesterday"\n'],
        ['?to=2024-05-01', 'query parameter "to" must be seconds since the epoch or an ISO 8601 date-time such as 2024-05-01T12:00:00Z, got "2024-05-01"\n'],
        ['?from=20&to=10', 'query parameter "from" must not be later than "to"\n'],
        ['?category=scan&category=flood', 'query parameter "category" given more than once\n'],
      ]) {
        const r = await get(`${url}/api/anomalies${q}`);
        expect([q, r.status, r.body]).toEqual([q, 400, message]);
      }
    });
  });

  it('answers 404 for unknown paths and methods, and counts requests by handler and code', async () => {
    await withServed({}, async ({ urls: [url] }) => {
      expect(await get(`${url}/nosuch`)).toMatchObject({ status: 404, body: 'not found\n' });
      expect(await get(`${url}/api/nosuch`)).toMatchObject({ status: 404, body: 'not found\n' });
      const text = await metrics(url);
      expect(sample(text, 'netscore_http_requests_total', { handler: 'other', code: '404' })).toBe(2);
      expect(sample(await metrics(url), 'netscore_http_requests_total', { handler: '/metrics', code: '200' })).toBe(1);
    });
  });

  it('turns a handler error into a bare 500: no message, no stack trace', async () => {
    const app = createApp({
      registry: new Registry(),
      telemetryPath: '/metrics',
      api: {
        boom: () => {
          throw new Error('cannot open /etc/netscore/secret.key\n    at Object.<anonymous> (/opt/netscore/dist/x.js:1:1)');
        },
      },
      onError: (err) => logged.push(err.message),
    });
    const logged: string[] = [];
    const server = await listen(app, { host: '127.0.0.1', port: 0 }, 'test', { readTimeoutMs: 5000, maxConnections: 10, maxHeaderSize: 8192 }, new HttpStats());
    try {
      const r = await get(`http://127.0.0.1:${(server.address() as { port: number }).port}/api/boom`);
      expect(r).toMatchObject({ status: 500, body: 'internal server error\n' });
      expect(logged).toHaveLength(1);
    } finally {
      server.close();
    }
  });

  it('answers 431 to headers over --web.max-header-size', async () => {
    await withServed({ 'web.max-header-size': '2KiB' }, async ({ urls: [url] }) => {
      expect((await get(`${url}/healthz`, { headers: { 'x-pad': 'a'.repeat(1500) } })).status).toBe(200);
      const s = await rawConnect(url);
      const closed = untilClosed(s);
      s.write(`GET /metrics HTTP/1.1\r\nHost: x\r\nX-Pad: ${'a'.repeat(3000)}\r\n\r\n`);
      expect((await closed).text).toMatch(/^HTTP\/1\.1 431 /);
      expect(sample(await metrics(url), 'netscore_http_connections_dropped_total', { reason: 'header_too_large' })).toBe(1);
    });
  });

  it('closes a connection whose headers do not arrive within --web.read-timeout, with 408', async () => {
    await withServed({ 'web.read-timeout': '500ms' }, async ({ urls: [url] }) => {
      const s = await rawConnect(url);
      const closed = untilClosed(s);
      s.write('GET /metrics HTTP/1.1\r\nHost: x\r\n'); // and never the blank line
      const { text, ms } = await closed;
      expect(text).toMatch(/^HTTP\/1\.1 408 /);
      expect(ms).toBeGreaterThan(400);
      expect(ms).toBeLessThan(5000);
      // A silent connection (nothing sent at all) is closed too.
      const idle = await rawConnect(url);
      expect((await untilClosed(idle)).ms).toBeLessThan(5000);
      const text2 = await metrics(url);
      expect(sample(text2, 'netscore_http_connections_dropped_total', { reason: 'timeout' })).toBeGreaterThanOrEqual(2);
    });
  });

  it('closes connections beyond --web.max-connections at once', async () => {
    await withServed({ 'web.max-connections': '2' }, async ({ urls: [url] }) => {
      const held = [await rawConnect(url), await rawConnect(url)];
      const third = await rawConnect(url);
      const { text, ms } = await untilClosed(third);
      expect(text).toBe('');
      expect(ms).toBeLessThan(2000);
      for (const s of held) s.destroy();
      await new Promise((r) => setTimeout(r, 100));
      expect(sample(await metrics(url), 'netscore_http_connections_dropped_total', { reason: 'max_connections' })).toBe(1);
    });
  });

  it('listens on several addresses, IPv6 loopback included', async () => {
    await withServed({ 'web.listen-address': ['127.0.0.1:0', '[::1]:0'] }, async ({ urls }) => {
      expect(urls).toHaveLength(2);
      expect(urls[1]).toMatch(/^http:\/\/\[::1\]:\d+$/);
      for (const url of urls) expect(await get(`${url}/healthz`)).toMatchObject({ status: 200, body: 'ok\n' });
    });
  });
});

describe('basic auth and headers', () => {
  const users = `basic_auth_users:\n  alice: ${bcrypt.hashSync('wonderland', 4)}\n  bob: ${bcrypt.hashSync('builder', 4)}\n`;
  const headers = 'http_server_config:\n  headers:\n    X-Frame-Options: deny\n    Content-Security-Policy: "default-src \'none\'"\n';
  const alice = { user: 'alice', password: 'wonderland' };

  it('asks for credentials everywhere but /healthz, /api/anomalies, /api/incidents and unknown paths included', async () => {
    await withServed({ 'web.config.file': webConfig(users + headers) }, async ({ urls: [url] }) => {
      for (const path of ['/metrics', '/', '/api/anomalies', '/api/anomalies?limit=abc', '/api/incidents', '/api/incidents?state=x', '/nosuch']) {
        const r = await get(`${url}${path}`);
        expect([path, r.status, r.headers['www-authenticate'], r.body]).toEqual([path, 401, 'Basic realm="netscore", charset="UTF-8"', 'unauthorized\n']);
      }
      expect(await get(`${url}/healthz`)).toMatchObject({ status: 200, body: 'ok\n' });
      expect((await get(`${url}/api/anomalies`, { auth: alice })).body).toBe('[]');
      expect((await get(`${url}/api/incidents`, { auth: alice })).body).toBe('[]');
      expect((await get(`${url}/`, { auth: { user: 'bob', password: 'builder' } })).status).toBe(200);
      expect((await get(`${url}/nosuch`, { auth: alice })).status).toBe(404);
      expect((await get(`${url}/metrics`, { auth: { user: 'alice', password: 'builder' } })).status).toBe(401);
      expect((await get(`${url}/metrics`, { auth: { user: 'carol', password: 'wonderland' } })).status).toBe(401);
      expect((await get(`${url}/metrics`, { auth: { user: 'Alice', password: 'wonderland' } })).status).toBe(401);
      const text = await metrics(url, { auth: alice });
      expect(sample(text, 'netscore_http_requests_total', { handler: '/api/anomalies', code: '401' })).toBe(2);
      expect(sample(text, 'netscore_web_config_last_reload_successful')).toBe(1);
    });
  });

  it('exposes the HTTP and web config families in a form promtool check metrics accepts', async () => {
    await withServed({ 'web.config.file': webConfig(users) }, async ({ urls: [url] }) => {
      await get(`${url}/nosuch`);
      const text = await metrics(url, { auth: alice });
      for (const family of ['netscore_http_requests_total', 'netscore_http_connections_dropped_total', 'netscore_web_config_last_reload_successful', 'netscore_web_config_last_reload_success_timestamp_seconds', 'netscore_web_config_reloads_total']) {
        expect(text).toContain(`# TYPE ${family} `);
      }
      const r = spawnSync('promtool', ['check', 'metrics'], { input: text, encoding: 'utf8' });
      expect([r.status, r.stdout, r.stderr]).toEqual([0, '', '']);
    });
  });

  it('sets the configured headers on every response', async () => {
    await withServed({ 'web.config.file': webConfig(users + headers) }, async ({ urls: [url] }) => {
      for (const [path, auth, status] of [['/healthz', undefined, 200], ['/metrics', undefined, 401], ['/metrics', alice, 200], ['/nosuch', alice, 404], ['/api/anomalies?limit=x', alice, 400]] as const) {
        const r = await get(`${url}${path}`, { auth });
        expect([path, r.status, r.headers['x-frame-options'], r.headers['content-security-policy']]).toEqual([path, status, 'deny', "default-src 'none'"]);
      }
    });
  });
});

describe('TLS', () => {
  const tls = (extra = '') => `tls_server_config:\n  cert_file: server.crt\n  key_file: server.key\n${extra}`;
  const ca = () => pki.pem('ca.crt');
  const client = () => ({ ca: ca(), cert: pki.pem('client.crt'), key: pki.pem('client.key') });
  const rogue = () => ({ ca: ca(), cert: pki.pem('rogue.crt'), key: pki.pem('rogue.key') });

  it('serves HTTPS with the configured certificate, TLS 1.2 and 1.3 by default', async () => {
    await withServed({ 'web.config.file': webConfig(tls()), 'web.listen-address': ['127.0.0.1:0', '[::1]:0'] }, async ({ urls }) => {
      for (const url of urls) {
        expect(url).toMatch(/^https:/);
        expect(await get(`${url}/healthz`, { ca: ca() })).toMatchObject({ status: 200 });
        expect((await get(`${url}/healthz`, { ca: ca(), maxVersion: 'TLSv1.2' })).status).toBe(200);
      }
      // A client that does not trust the CA refuses the server.
      await expect(get(`${urls[0]}/healthz`)).rejects.toThrow(/self-signed|unable to (get|verify)/);
    });
  });

  it('enforces min_version', async () => {
    await withServed({ 'web.config.file': webConfig(tls('  min_version: TLS13\n')) }, async ({ urls: [url] }) => {
      await expect(get(`${url}/healthz`, { ca: ca(), maxVersion: 'TLSv1.2' })).rejects.toThrow(/protocol version|alert/i);
      expect((await get(`${url}/healthz`, { ca: ca(), minVersion: 'TLSv1.3' })).status).toBe(200);
      expect(sample(await metrics(url, { ca: ca() }), 'netscore_http_connections_dropped_total', { reason: 'tls_handshake' })).toBe(1);
    });
  });

  it('restricts TLS 1.2 to cipher_suites', async () => {
    const cfg = tls('  max_version: TLS12\n  cipher_suites: [TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384]\n');
    await withServed({ 'web.config.file': webConfig(cfg) }, async ({ urls: [url] }) => {
      await expect(get(`${url}/healthz`, { ca: ca(), ciphers: 'ECDHE-ECDSA-AES128-GCM-SHA256' })).rejects.toThrow(/handshake failure|alert/i);
      expect((await get(`${url}/healthz`, { ca: ca(), ciphers: 'ECDHE-ECDSA-AES256-GCM-SHA384' })).status).toBe(200);
    });
  });

  it('RequireAndVerifyClientCert: only clients with a certificate from client_ca_file get an answer', async () => {
    const cfg = tls('  client_auth_type: RequireAndVerifyClientCert\n  client_ca_file: ca.crt\n');
    await withServed({ 'web.config.file': webConfig(cfg) }, async ({ urls: [url] }) => {
      await expect(get(`${url}/healthz`, { ca: ca() })).rejects.toThrow(/certificate required|alert|socket hang up|ECONNRESET/i);
      await expect(get(`${url}/healthz`, rogue())).rejects.toThrow(/unknown ca|alert|socket hang up|ECONNRESET/i);
      expect(await get(`${url}/healthz`, client())).toMatchObject({ status: 200, body: 'ok\n' });
    });
  });

  it.each([
    ['RequireAnyClientCert', { none: false, rogue: true, good: true }],
    ['VerifyClientCertIfGiven', { none: true, rogue: false, good: true }],
    ['RequestClientCert', { none: true, rogue: true, good: true }],
  ] as const)('%s', async (type, want) => {
    const cfg = tls(`  client_auth_type: ${type}\n${type === 'VerifyClientCertIfGiven' ? '  client_ca_file: ca.crt\n' : ''}`);
    await withServed({ 'web.config.file': webConfig(cfg) }, async ({ urls: [url] }) => {
      const ok = (opts: GetOptions) => get(`${url}/healthz`, opts).then((r) => r.status === 200, () => false);
      expect({ none: await ok({ ca: ca() }), rogue: await ok(rogue()), good: await ok(client()) }).toEqual(want);
    });
  });

  it('client_allowed_sans: a verified certificate must also carry an allowed SAN', async () => {
    const base = '  client_auth_type: RequireAndVerifyClientCert\n  client_ca_file: ca.crt\n';
    await withServed({ 'web.config.file': webConfig(tls(`${base}  client_allowed_sans: [prometheus.example]\n`)) }, async ({ urls: [url] }) => {
      expect((await get(`${url}/healthz`, client())).status).toBe(200);
    });
    await withServed({ 'web.config.file': webConfig(tls(`${base}  client_allowed_sans: [grafana.example]\n`)) }, async ({ urls: [url] }) => {
      await expect(get(`${url}/healthz`, client())).rejects.toThrow(/socket hang up|ECONNRESET/);
    });
  });

  it('combines mutual TLS with basic auth', async () => {
    const cfg = `${tls('  client_auth_type: RequireAndVerifyClientCert\n  client_ca_file: ca.crt\n')}basic_auth_users:\n  prometheus: ${bcrypt.hashSync('scrape', 4)}\n`;
    await withServed({ 'web.config.file': webConfig(cfg) }, async ({ urls: [url] }) => {
      expect((await get(`${url}/metrics`, client())).status).toBe(401);
      expect((await get(`${url}/metrics`, { ...client(), auth: { user: 'prometheus', password: 'scrape' } })).status).toBe(200);
    });
  });
});
