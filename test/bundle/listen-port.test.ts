/**
 * The compose bundle follows a changed netscore listen port: the netscore
 * healthcheck command and the Prometheus scrape target (set by
 * prometheus/prometheus-entrypoint.sh) are taken from docker-compose.yml as
 * `docker-compose config` resolves it with NETSCORE_WEB_LISTEN_ADDRESS on a
 * free port, and run for real: the healthcheck with node against a netscore
 * listening there, the entrypoint with Debian's prometheus, whose target
 * list is the oracle.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { start } from '../cli/spawn.js';
import type { Running } from '../support/child.js';
import { startProcess } from '../support/child.js';
import { freePort } from '../support/free-port.js';
import { waitFor, waitForHttp } from '../support/wait-for.js';
import { PROM_DIR, PROMETHEUS_BIN, REPO_ROOT } from './prom-harness.js';

const FIXTURE = join(REPO_ROOT, 'test', 'fixtures', 'golden', 'tunnel-gre.pcap');

describe('bundle with netscore on a non-default port', () => {
  let port: number;
  let compose: { services: Record<string, { environment: Record<string, string>; healthcheck?: { test: string[] } }> };
  let ns: Running;
  let dir: string;

  beforeAll(async () => {
    port = await freePort();
    dir = mkdtempSync(join(tmpdir(), 'netscore-port-'));
    const r = spawnSync('docker-compose', ['--env-file', '.env.example', '-f', 'docker-compose.yml', 'config'], {
      cwd: REPO_ROOT,
      encoding: 'utf8',
      env: { PATH: process.env.PATH, HOME: process.env.HOME, GRAFANA_ADMIN_PASSWORD: 'test-only', NETSCORE_WEB_LISTEN_ADDRESS: `127.0.0.1:${port}` },
    });
    expect(r.status, r.stderr).toBe(0);
    compose = parseYaml(r.stdout) as typeof compose;
    ns = start(['replay', FIXTURE, '--replay.speed=1000', '--replay.hold', `--web.listen-address=127.0.0.1:${port}`, '--log.level=error']);
    await waitForHttp(`http://127.0.0.1:${port}/healthz`);
  }, 60_000);

  afterAll(async () => {
    await ns?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('runs the healthcheck against the configured port: healthy while netscore serves, unhealthy on another port', () => {
    const [kind, bin, ...args] = compose.services.netscore.healthcheck?.test ?? [];
    expect([kind, bin]).toEqual(['CMD', 'node']);
    const check = (address: string) =>
      spawnSync(process.execPath, args, { encoding: 'utf8', timeout: 10_000, env: { PATH: process.env.PATH, NETSCORE_WEB_LISTEN_ADDRESS: address } }).status;
    expect(compose.services.netscore.environment.NETSCORE_WEB_LISTEN_ADDRESS).toBe(`127.0.0.1:${port}`);
    expect(check(compose.services.netscore.environment.NETSCORE_WEB_LISTEN_ADDRESS)).toBe(0);
    expect(check(`:${port}`)).toBe(0);
    expect(check(`0.0.0.0:${port},[::1]:9`)).toBe(0);
    expect(check('127.0.0.1:9')).toBe(1);
  });

  it('starts Prometheus through the entrypoint with the scrape target on the configured port, and scrapes netscore there', async () => {
    const env = compose.services.prometheus.environment;
    const web = await freePort();
    const prom = startProcess('/bin/sh', [join(PROM_DIR, 'prometheus-entrypoint.sh'), `--storage.tsdb.path=${join(dir, 'tsdb')}`, `--web.listen-address=127.0.0.1:${web}`], {
      env: { PATH: process.env.PATH, ...env, NETSCORE_PROM_SRC_DIR: PROM_DIR, NETSCORE_PROM_OUT_DIR: join(dir, 'config'), PROMETHEUS_BIN },
    });
    try {
      const target = await waitFor(
        async () => {
          const body = (await (await fetch(`http://127.0.0.1:${web}/api/v1/targets?state=active`)).json()) as {
            data: { activeTargets: { labels: Record<string, string>; health: string }[] };
          };
          return body.data.activeTargets.find((t) => t.labels.job === 'netscore' && t.health === 'up');
        },
        { timeoutMs: 60_000, intervalMs: 500, what: 'Prometheus to scrape netscore' },
      );
      expect(target.labels.instance).toBe(`localhost:${port}`);
    } finally {
      await prom.stop();
    }
  }, 90_000);

  it('refuses a listen address without a port, in one line', () => {
    const r = spawnSync('/bin/sh', [join(PROM_DIR, 'prometheus-entrypoint.sh')], {
      encoding: 'utf8',
      env: { PATH: process.env.PATH, NETSCORE_WEB_LISTEN_ADDRESS: 'localhost', NETSCORE_PROM_SRC_DIR: PROM_DIR, NETSCORE_PROM_OUT_DIR: join(dir, 'bad'), PROMETHEUS_BIN: 'false' },
    });
    expect(r.status).toBe(2);
    expect(r.stderr).toBe('prometheus-entrypoint: NETSCORE_WEB_LISTEN_ADDRESS="localhost" has no port number\n');
  });
});
