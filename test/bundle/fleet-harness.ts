/**
 * Test harness for the fleet configs (prometheus/fleet): a central Prometheus
 * with the shipped central.yml and the remote-write receiver, and Prometheus
 * agents started through the shipped agent-entrypoint.sh, as the compose
 * profile "fleet" runs them. Real binaries, loopback only; only the scrape and
 * evaluation intervals are shortened to 1 s, and the central's self-scrapes and
 * Alertmanager (fixed ports) are left out.
 */
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { isAbsolute, join, resolve } from 'node:path';
import { parse as parseYaml } from 'yaml';
import type { Running } from '../support/child.js';
import { freePort } from '../support/free-port.js';
import { PROM_DIR, PROMETHEUS_BIN, startAndWaitReady, startPrometheus, type PrometheusHandle } from './prom-harness.js';

/** prometheus/fleet: agent.yml, agent-entrypoint.sh, central.yml. */
export const FLEET_DIR = join(PROM_DIR, 'fleet');
/** The agent's entrypoint script. */
export const AGENT_ENTRYPOINT = join(FLEET_DIR, 'agent-entrypoint.sh');

/** Replaces `from` by `to` in `text`, throwing when `from` is not there (the shipped file changed). */
function replaceOnce(text: string, from: string, to: string): string {
  if (!text.includes(from)) throw new Error(`agent.yml has no "${from}"`);
  return text.replace(from, to);
}

/** The test copy of central.yml: 1 s intervals, absolute rule paths, no scrape jobs, no Alertmanager. */
export async function centralTestConfig(): Promise<Record<string, unknown>> {
  const cfg = parseYaml(await readFile(join(FLEET_DIR, 'central.yml'), 'utf8')) as Record<string, unknown>;
  cfg.global = { ...(cfg.global as object), scrape_interval: '1s', scrape_timeout: '1s', evaluation_interval: '1s' };
  cfg.rule_files = (cfg.rule_files as string[]).map((f) => (isAbsolute(f) ? f : resolve(FLEET_DIR, f)));
  delete cfg.alerting;
  cfg.scrape_configs = [];
  return cfg;
}

/** Starts the central Prometheus (central.yml, --web.enable-remote-write-receiver). */
export async function startCentral(): Promise<PrometheusHandle> {
  const central = await centralTestConfig();
  return startPrometheus({
    target: [],
    extraFlags: ['--web.enable-remote-write-receiver'],
    transform: (cfg) => {
      for (const key of Object.keys(cfg)) delete cfg[key];
      Object.assign(cfg, central);
    },
  });
}

/** A running Prometheus agent of one sensor. */
export interface AgentHandle {
  url: string;
  sensor: string;
  logs(): string;
  stop(): Promise<void>;
}

/** Options of startAgent: the entrypoint's environment. */
export interface StartAgentOptions {
  /** NETSCORE_SENSOR */
  sensor: string;
  /** FLEET_SCRAPE_TARGET: host:port of the sensor's netscore. */
  target: string;
  /** FLEET_REMOTE_WRITE_URL */
  remoteWriteUrl: string;
}

/** Starts a Prometheus agent through agent-entrypoint.sh with the compose service's flags. */
export async function startAgent(opts: StartAgentOptions): Promise<AgentHandle> {
  const dir = await mkdtemp(join(tmpdir(), 'netscore-agent-'));
  let proc: Running;
  try {
    let src = await readFile(join(FLEET_DIR, 'agent.yml'), 'utf8');
    src = replaceOnce(replaceOnce(src, 'scrape_interval: 15s', 'scrape_interval: 1s'), 'scrape_timeout: 10s', 'scrape_timeout: 1s');
    await writeFile(join(dir, 'agent-src.yml'), src);
    const port = await freePort();
    const args = [AGENT_ENTRYPOINT, '--enable-feature=agent', `--storage.agent.path=${join(dir, 'data')}`, `--web.listen-address=127.0.0.1:${port}`, '--log.level=info'];
    const env = {
      ...process.env,
      NETSCORE_AGENT_SRC: join(dir, 'agent-src.yml'),
      NETSCORE_AGENT_OUT_DIR: dir,
      NETSCORE_SENSOR: opts.sensor,
      FLEET_REMOTE_WRITE_URL: opts.remoteWriteUrl,
      FLEET_SCRAPE_TARGET: opts.target,
      PROMETHEUS_BIN,
    };
    proc = await startAndWaitReady(`prometheus agent ${opts.sensor}`, 'sh', args, `http://127.0.0.1:${port}/-/ready`, 30_000, { env });
    return {
      url: `http://127.0.0.1:${port}`,
      sensor: opts.sensor,
      logs: () => proc.stdout() + proc.stderr(),
      async stop() {
        await proc.stop();
        await rm(dir, { recursive: true, force: true });
      },
    };
  } catch (err) {
    await rm(dir, { recursive: true, force: true });
    throw err;
  }
}
