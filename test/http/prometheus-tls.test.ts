/**
 * A real Prometheus scrapes netscore over mutual TLS with basic auth, using
 * the shipped example web config with a throwaway PKI; jobs with a wrong
 * password and without a client certificate are the negative controls.
 */
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import bcrypt from 'bcryptjs';
import { afterAll, describe, expect, it } from 'vitest';
import { PROM_DIR, startPrometheus, stopAll, type PrometheusHandle } from '../bundle/prom-harness.js';
import { freePort } from '../support/free-port.js';
import { waitFor } from '../support/wait-for.js';
import { start } from '../cli/spawn.js';
import type { Running } from '../support/child.js';
import { get } from './client.js';
import { makePki } from './pki.js';

const fixture = resolve(import.meta.dirname, '..', 'fixtures', 'golden', 'tunnel-gre.pcap');
const dir = mkdtempSync(join(tmpdir(), 'netscore-prom-tls-'));
let netscore: Running | undefined;
let prom: PrometheusHandle | undefined;

afterAll(async () => {
  netscore?.child.kill('SIGTERM');
  await netscore?.exit;
  await stopAll(prom);
  rmSync(dir, { recursive: true, force: true });
});

describe('Prometheus scraping over TLS with basic auth', () => {
  it('scrapes netscore with the example web config; a wrong password and a missing client certificate are refused', async () => {
    const pki = makePki(dir);
    // The example's file names, next to it; the placeholder hash replaced by one of a known password.
    copyFileSync(pki.serverCertFile, join(dir, 'netscore.crt'));
    copyFileSync(pki.serverKeyFile, join(dir, 'netscore.key'));
    copyFileSync(pki.caFile, join(dir, 'prometheus-ca.crt'));
    const example = readFileSync(join(PROM_DIR, 'web-config.example.yml'), 'utf8');
    const webConfig = join(dir, 'web-config.yml');
    const hash = bcrypt.hashSync('scrape-secret', 10);
    writeFileSync(webConfig, example.replace(/^( {2}prometheus: )\$2b\$.*$/m, (_line, key: string) => key + hash));
    expect(readFileSync(webConfig, 'utf8')).not.toBe(example);
    writeFileSync(join(dir, 'right.password'), 'scrape-secret\n');
    writeFileSync(join(dir, 'wrong.password'), 'guess\n');

    const port = await freePort();
    netscore = start(['replay', fixture, '--replay.speed=0.01', `--web.listen-address=127.0.0.1:${port}`, `--web.config.file=${webConfig}`]);
    const ca = pki.pem('ca.crt');
    let exited = false;
    void netscore.exit.then(() => (exited = true));
    const ns = netscore;
    await waitFor(
      () => {
        if (exited) throw new Error(`netscore exited: ${ns.stderr()}`);
        return get(`https://127.0.0.1:${port}/healthz`, { ca, cert: pki.pem('client.crt'), key: pki.pem('client.key') }).then((r) => r.status === 200);
      },
      { timeoutMs: 20_000, what: 'netscore over TLS' },
    );

    const job = (name: string, passwordFile: string, clientCert: boolean) => ({
      job_name: name,
      scheme: 'https',
      tls_config: { ca_file: pki.caFile, ...(clientCert ? { cert_file: pki.clientCertFile, key_file: pki.clientKeyFile } : {}) },
      basic_auth: { username: 'prometheus', password_file: join(dir, passwordFile) },
      static_configs: [{ targets: [`127.0.0.1:${port}`] }],
    });
    prom = await startPrometheus({
      target: `127.0.0.1:${port}`,
      transform: (cfg) => {
        cfg.scrape_configs = [job('netscore', 'right.password', true), job('wrong-password', 'wrong.password', true), job('no-client-cert', 'right.password', false)];
      },
    });
    const p = prom;
    const up = await waitFor(
      async () => {
        const r = await p.query('up');
        return r.length === 3 ? Object.fromEntries(r.map((s) => [s.metric.job, s.value[1]])) : undefined;
      },
      { what: 'three scraped targets' },
    );
    expect(up).toEqual({ netscore: '1', 'wrong-password': '0', 'no-client-cert': '0' });
    expect(await p.query('netscore_build_info{job="netscore"}')).toHaveLength(1);
    expect((await p.query('netscore_packets_total{job="netscore"}')).length).toBeGreaterThan(0);

    const errors = Object.fromEntries((await p.targets()).map((t) => [t.labels.job, t.lastError]));
    expect(errors.netscore).toBe('');
    expect(errors['wrong-password']).toMatch(/401 Unauthorized/);
    expect(errors['no-client-cert']).toMatch(/remote error: tls: certificate required/);
  });
});
