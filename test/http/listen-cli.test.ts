import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli, start } from '../cli/spawn.js';
import { freePort } from '../support/free-port.js';
import { waitFor } from '../support/wait-for.js';
import { get } from './client.js';

const fixture = resolve(import.meta.dirname, '..', 'fixtures', 'golden', 'tunnel-gre.pcap');
const root = process.getuid?.() === 0;
const built = existsSync(resolve(import.meta.dirname, '..', '..', 'build', 'Release', 'netscore_pcap.node'));

let busy: Server;
let busyPort: number;
let dir: string;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'netscore-listen-'));
  busy = createServer();
  await new Promise<void>((r) => busy.listen(0, '127.0.0.1', r));
  busyPort = (busy.address() as { port: number }).port;
});
afterAll(() => {
  busy.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('--web.listen-address through the CLI', () => {
  it('exits 1 with one line naming the address when the port is in use', async () => {
    const r = await runCli(['replay', fixture, `--web.listen-address=127.0.0.1:${busyPort}`]);
    expect(r).toMatchObject({ code: 1, stderr: `netscore: cannot listen on 127.0.0.1:${busyPort}: address already in use\n` });
  });

  it('closes the addresses it had bound when a later one is in use, and exits', async () => {
    const free = await freePort();
    const r = await runCli(['replay', fixture, `--web.listen-address=127.0.0.1:${free}`, `--web.listen-address=127.0.0.1:${busyPort}`, '--log.level=error']);
    expect(r).toMatchObject({ code: 1, stderr: `netscore: cannot listen on 127.0.0.1:${busyPort}: address already in use\n` });
  });

  it.skipIf(!root || !built)('netscore run exits 1 too, capture handles open, when its port is in use', async () => {
    const r = await runCli(['run', '--capture.interface=lo', `--web.listen-address=127.0.0.1:${busyPort}`]);
    expect(r).toMatchObject({ code: 1, stderr: `netscore: cannot listen on 127.0.0.1:${busyPort}: address already in use\n` });
  });

  it('exits 2 naming a malformed address', async () => {
    const r = await runCli(['replay', fixture, '--web.listen-address=::1:9109']);
    expect(r).toMatchObject({ code: 2, stderr: 'netscore: invalid --web.listen-address "::1:9109": want host:port, :port or [ipv6]:port\n' });
  });

  it('exits 1 with one line naming the file and the field of a bad web config', async () => {
    const path = join(dir, 'bad.yml');
    writeFileSync(path, 'tls_server_config:\n  cert_file: a.crt\n  key_file: a.key\n  min_version: TLS9\n');
    const r = await runCli(['replay', fixture, '--web.listen-address=127.0.0.1:0', `--web.config.file=${path}`]);
    expect(r).toMatchObject({ code: 1, stderr: `netscore: web config ${path}: tls_server_config.cert_file: cannot read ${join(dir, 'a.crt')}: ENOENT\n` });
  });

  it('serves on IPv4 and IPv6 loopback at once, from flags (either form, before the files too) or NETSCORE_WEB_LISTEN_ADDRESS', async () => {
    const [a, b] = [await freePort(), await freePort()];
    for (const [args, env] of [
      [[`--web.listen-address=127.0.0.1:${a}`, `--web.listen-address=[::1]:${b}`, fixture], {}],
      [['--web.listen-address', `127.0.0.1:${a}`, '--web.listen-address', `[::1]:${b}`, fixture], {}],
      [[fixture], { NETSCORE_WEB_LISTEN_ADDRESS: `127.0.0.1:${a},[::1]:${b}` }],
    ] as const) {
      const ns = start(['replay', '--replay.speed=0.001', ...args], env);
      try {
        for (const url of [`http://127.0.0.1:${a}/healthz`, `http://[::1]:${b}/healthz`]) {
          expect(await waitFor(() => get(url).then((r) => r.body), { timeoutMs: 15_000, what: url })).toBe('ok\n');
        }
      } finally {
        ns.child.kill('SIGTERM');
        await ns.exit;
      }
    }
  });
});
