import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import bcrypt from 'bcryptjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../cli/spawn.js';
import { get } from './client.js';
import { startServed, withServed } from './harness.js';

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'netscore-routing-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const alice = { user: 'alice', password: 'wonderland' };

describe('routing', () => {
  it('matches paths exactly and case-sensitively', async () => {
    await withServed({}, async ({ urls: [url] }) => {
      for (const path of ['/METRICS', '/metrics/', '/Metrics', '/HEALTHZ', '/healthz/', '/api/anomalies/', '//metrics']) {
        const r = await get(`${url}${path}`);
        expect([path, r.status, r.body]).toEqual([path, 404, 'not found\n']);
      }
      expect((await get(`${url}/metrics?x=1`)).status).toBe(200);
    });
  });

  it('keeps /HEALTHZ and other spellings behind authentication; only /healthz is open', async () => {
    const path = join(dir, 'web.yml');
    writeFileSync(path, `basic_auth_users:\n  alice: ${bcrypt.hashSync('wonderland', 4)}\n`);
    await withServed({ 'web.config.file': path }, async ({ urls: [url] }) => {
      for (const p of ['/HEALTHZ', '/healthz/', '/METRICS']) expect([p, (await get(`${url}${p}`)).status]).toEqual([p, 401]);
      expect((await get(`${url}/healthz`)).status).toBe(200);
      expect((await get(`${url}/metrics`, { method: 'POST' })).status).toBe(401);
      const r = await get(`${url}/metrics`, { method: 'DELETE', auth: alice });
      expect([r.status, r.headers.allow]).toEqual([405, 'GET, HEAD']);
    });
  });

  it('answers other methods than GET and HEAD with 405 and Allow, HEAD without a body', async () => {
    await withServed({}, async ({ urls: [url] }) => {
      for (const path of ['/metrics', '/healthz', '/', '/api/anomalies']) {
        for (const method of ['POST', 'PUT', 'DELETE', 'OPTIONS', 'PATCH']) {
          const r = await get(`${url}${path}`, { method });
          expect([path, method, r.status, r.headers.allow, r.body]).toEqual([path, method, 405, 'GET, HEAD', 'method not allowed\n']);
        }
      }
      const head = await get(`${url}/metrics`, { method: 'HEAD' });
      expect([head.status, head.body, Number(head.headers['content-length']) > 0]).toEqual([200, '', true]);
      expect((await get(`${url}/nosuch`, { method: 'POST' })).status).toBe(404);
    });
  });

  it('serves metrics at a custom --web.telemetry-path only', async () => {
    await withServed({ 'web.telemetry-path': '/internal/metrics' }, async ({ urls: [url] }) => {
      expect((await get(`${url}/internal/metrics`)).body).toContain('# TYPE netscore_http_requests_total counter');
      expect((await get(`${url}/metrics`)).status).toBe(404);
    });
  });

  it.each([
    ['/m/:x', 'invalid --web.telemetry-path "/m/:x": want an absolute path such as /metrics (segments of letters, digits and . _ ~ -, no trailing slash)'],
    ['/(.*)', 'invalid --web.telemetry-path "/(.*)": want an absolute path such as /metrics (segments of letters, digits and . _ ~ -, no trailing slash)'],
    ['metrics', 'invalid --web.telemetry-path "metrics": want an absolute path such as /metrics (segments of letters, digits and . _ ~ -, no trailing slash)'],
    ['/metrics/', 'invalid --web.telemetry-path "/metrics/": want an absolute path such as /metrics (segments of letters, digits and . _ ~ -, no trailing slash)'],
    ['/', 'invalid --web.telemetry-path "/": want an absolute path such as /metrics (segments of letters, digits and . _ ~ -, no trailing slash)'],
    ['/healthz', 'invalid --web.telemetry-path "/healthz": /healthz and /api/... are taken'],
  ])('refuses --web.telemetry-path %s', async (path, message) => {
    await expect(startServed({ 'web.telemetry-path': path })).rejects.toThrow(message);
  });

  it('exits 2 with one line naming a bad --web.telemetry-path', async () => {
    const fixture = resolve(import.meta.dirname, '..', 'fixtures', 'golden', 'tunnel-gre.pcap');
    const r = await runCli(['replay', fixture, '--web.listen-address=127.0.0.1:0', '--web.telemetry-path=/(.*)']);
    expect(r).toMatchObject({ code: 2, stderr: 'netscore: invalid --web.telemetry-path "/(.*)": want an absolute path such as /metrics (segments of letters, digits and . _ ~ -, no trailing slash)\n' });
  });
});
