/**
 * The HTTP attacks of issue #13, bounded in count and time, on loopback:
 * pipelined floods, held connection slots and password guessing. Each test
 * states what the server must still do while it is attacked.
 */
import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { connect, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import bcrypt from 'bcryptjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sample } from '../cli/spawn.js';
import { waitFor } from '../support/wait-for.js';
import { get, type GetOptions } from './client.js';
import { withServed } from './harness.js';

let dir: string;
let n = 0;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'netscore-attacks-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const HASH = bcrypt.hashSync('scrape', 8);
const scraper: GetOptions = { auth: { user: 'prometheus', password: 'scrape' } };

/** Writes a web config and returns its path. */
function webConfig(text: string): string {
  const path = join(dir, `web-${n++}.yml`);
  writeFileSync(path, text);
  return path;
}

/** A raw TCP connection to the server of `url`, from `localAddress` when given. */
function rawConnect(url: string, localAddress?: string): Promise<Socket> {
  const u = new URL(url);
  return new Promise((resolve, reject) => {
    const s = connect({ port: Number(u.port), host: u.hostname, localAddress }, () => resolve(s));
    s.on('error', reject);
  });
}

/** Resolves when `s` is closed (by either side). */
function closed(s: Socket): Promise<void> {
  return new Promise((resolve) => (s.destroyed ? resolve() : s.once('close', () => resolve())));
}

const drops = async (url: string, reason: string, opts: GetOptions = {}) => sample((await get(`${url}/metrics`, opts)).body, 'netscore_http_connections_dropped_total', { reason });

describe('pipelined requests', () => {
  it('disconnects a client that pipelines more than --web.max-pipelined-requests without reading, and keeps answering others', async () => {
    await withServed({}, async ({ urls: [url] }) => {
      const request = 'GET /metrics HTTP/1.1\r\nHost: x\r\n\r\n';
      const flooders = await Promise.all(Array.from({ length: 4 }, () => rawConnect(url)));
      for (const s of flooders) {
        s.on('error', () => {});
        s.pause(); // never reads an answer
        s.write(request.repeat(5000));
      }
      await Promise.all(flooders.map(closed));
      expect(await get(`${url}/healthz`)).toMatchObject({ status: 200, body: 'ok\n' });
      expect(await drops(url, 'pipeline_limit')).toBe(4);
    });
  });

  it('parses no further request of the data already read from a connection it disconnected for pipelining', async () => {
    // Node.js announces every request it has parsed, before the server sees it.
    let started = 0;
    let afterClose = 0;
    const onStart = (message: unknown) => {
      started++;
      if ((message as { socket: Socket }).socket.destroyed) afterClose++;
    };
    subscribe('http.server.request.start', onStart);
    try {
      await withServed({}, async ({ urls: [url] }) => {
        const request = 'GET /metrics HTTP/1.1\r\nHost: x\r\n\r\n';
        const flooders = await Promise.all(Array.from({ length: 4 }, () => rawConnect(url)));
        for (const s of flooders) {
          s.on('error', () => {});
          s.pause();
          s.write(request.repeat(5000));
        }
        await Promise.all(flooders.map(closed));
        expect(await drops(url, 'pipeline_limit')).toBe(4);
      });
    } finally {
      unsubscribe('http.server.request.start', onStart);
    }
    // Each flooder got at least 16 waiting requests and the one over the bound parsed.
    expect(started).toBeGreaterThanOrEqual(4 * 17);
    expect(afterClose).toBe(0);
  });

  it('answers a few pipelined requests in order', async () => {
    await withServed({ 'web.max-pipelined-requests': '4' }, async ({ urls: [url] }) => {
      const s = await rawConnect(url);
      let text = '';
      s.on('data', (d) => (text += d));
      s.write(['/healthz', '/nosuch', '/healthz', '/metrics'].map((p, i) => `GET ${p} HTTP/1.1\r\nHost: x\r\n${i === 3 ? 'Connection: close\r\n' : ''}\r\n`).join(''));
      await closed(s);
      expect([...text.matchAll(/^HTTP\/1\.1 (\d+)/gm)].map((m) => m[1])).toEqual(['200', '404', '200', '200']);
    });
  });
});

describe('connection slots', () => {
  it('keeps reserved slots for a client that authenticated, while idle connections from elsewhere fill the rest', async () => {
    const flags = { 'web.config.file': webConfig(`basic_auth_users:\n  prometheus: ${HASH}\n`), 'web.max-connections': '20', 'web.reserved-connections': '5' };
    await withServed(flags, async ({ urls: [url] }) => {
      expect((await get(`${url}/metrics`, scraper)).status).toBe(200);
      // 15 free slots and more: idle connections from 127.0.0.2..9, reopened as the server closes them.
      const held = new Set<Socket>();
      let holding = true;
      const hold = (i: number) => {
        if (!holding) return;
        const s = connect({ port: Number(new URL(url).port), host: '127.0.0.1', localAddress: `127.0.0.${2 + (i % 8)}` });
        held.add(s);
        s.on('error', () => {});
        s.on('close', () => {
          held.delete(s);
          setTimeout(() => hold(i), 20);
        });
      };
      for (let i = 0; i < 24; i++) hold(i);
      try {
        await waitFor(async () => ((await drops(url, 'max_connections', scraper)) ?? 0) > 0, { timeoutMs: 10_000, what: 'the slots to be full' });
        const statuses: number[] = [];
        for (let i = 0; i < 8; i++) statuses.push((await get(`${url}/metrics`, scraper).catch(() => ({ status: 0 }))).status);
        expect(statuses).toEqual(Array(8).fill(200));
      } finally {
        holding = false;
        for (const s of held) s.destroy();
      }
    });
  });

  it('closes connections beyond --web.max-connections-per-client from one address at once, and silent ones after --web.first-request-timeout', async () => {
    await withServed({ 'web.max-connections-per-client': '3', 'web.first-request-timeout': '300ms' }, async ({ urls: [url] }) => {
      const t = performance.now();
      const mine = await Promise.all(Array.from({ length: 5 }, () => rawConnect(url, '127.0.0.3')));
      const other = await rawConnect(url, '127.0.0.4');
      await Promise.all([...mine, other].map(closed));
      // Read timeout is 10 s: without the first-request timeout the silent ones would stay 20 s.
      expect(performance.now() - t).toBeLessThan(5000);
      expect(await drops(url, 'client_connections')).toBe(2);
      expect(await drops(url, 'timeout')).toBe(4);
    });
  });
});

describe('password guessing', () => {
  it('keeps answering the scraper 200 while 24 clients guess passwords right after a reload that kept its hash', async () => {
    const path = webConfig(`basic_auth_users:\n  prometheus: ${HASH}\n`);
    await withServed({ 'web.config.file': path }, async (s) => {
      const url = s.urls[0];
      expect((await get(`${url}/metrics`, scraper)).status).toBe(200);
      writeFileSync(path, `basic_auth_users:\n  prometheus: ${HASH}\n  grafana: ${bcrypt.hashSync('dashboards', 8)}\n`);
      await waitFor(() => s.logs().some((r) => r.msg === 'web config reloaded'), { timeoutMs: 10_000, what: 'the reload' });
      const statuses = await underGuessing(url, '127.0.0.1', async () => {
        const got: number[] = [];
        for (let i = 0; i < 8; i++) got.push((await get(`${url}/metrics`, scraper)).status);
        return got;
      });
      expect(statuses).toEqual(Array(8).fill(200));
    });
  });

  it('lets a client from another address have its password checked while one address guesses with 24 clients', async () => {
    const flags = { 'web.config.file': webConfig(`basic_auth_users:\n  prometheus: ${HASH}\n`) };
    await withServed(flags, async ({ urls: [url] }) => {
      const first = await underGuessing(url, '127.0.0.2', () => get(`${url}/metrics`, { ...scraper, localAddress: '127.0.0.1' }));
      expect(first.status).toBe(200);
      expect(await drops(url, 'auth_client_budget', scraper)).toBeGreaterThan(0);
    });
  });
});

/** Runs `fn` while 24 clients from `from` send wrong passwords as fast as they get answers. */
async function underGuessing<T>(url: string, from: string, fn: () => Promise<T>): Promise<T> {
  let guessing = true;
  const guessers = Array.from({ length: 24 }, async (_, i) => {
    for (let k = 0; guessing; k++) await get(`${url}/metrics`, { auth: { user: 'prometheus', password: `guess-${i}-${k}` }, localAddress: from }).catch(() => undefined);
  });
  await new Promise((r) => setTimeout(r, 300));
  try {
    return await fn();
  } finally {
    guessing = false;
    await Promise.all(guessers);
  }
}
