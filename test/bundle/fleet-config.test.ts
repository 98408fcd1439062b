/**
 * The fleet configs (prometheus/fleet) and the compose profile "fleet",
 * checked by the real tools: the agent config as the entrypoint writes it and
 * the central config pass promtool, the fleet alert passes its promtool unit
 * tests (which fail for broken copies), the entrypoint refuses to start
 * without a remote-write URL, and docker-compose wires the two services as
 * documented.
 */
import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { AGENT_ENTRYPOINT, FLEET_DIR } from './fleet-harness.js';
import { REPO_ROOT } from './prom-harness.js';

function run(cmd: string, args: string[], env: NodeJS.ProcessEnv = process.env) {
  const r = spawnSync(cmd, args, { cwd: REPO_ROOT, env, encoding: 'utf8', timeout: 60_000 });
  if (r.error) throw r.error;
  return { status: r.status, stdout: r.stdout, stderr: r.stderr, out: `${r.stdout}${r.stderr}` };
}

/** The parts of the agent config the tests read. */
interface AgentConfig {
  global: { external_labels: Record<string, string> };
  scrape_configs: { job_name: string; static_configs: { targets: string[] }[] }[];
  remote_write: { url: string }[];
  rule_files?: string[];
}

/** The parts of a `docker-compose config` service the tests read. */
interface ComposeService {
  image: string;
  network_mode: string;
  profiles?: string[];
  entrypoint?: string[];
  command: string[];
  environment: Record<string, string>;
  volumes: string[];
}

const out = mkdtempSync(join(tmpdir(), 'netscore-fleet-config-'));
afterAll(() => rmSync(out, { recursive: true, force: true }));

/** The agent config the entrypoint wrote. */
const agentConfig = () => parseYaml(readFileSync(join(out, 'agent.yml'), 'utf8')) as AgentConfig;

/** Runs the entrypoint with `echo` as Prometheus: prints the arguments it would start Prometheus with. */
const entrypoint = (env: Record<string, string>) =>
  run('sh', [AGENT_ENTRYPOINT, '--enable-feature=agent'], { PATH: process.env.PATH, NETSCORE_AGENT_SRC: join(FLEET_DIR, 'agent.yml'), NETSCORE_AGENT_OUT_DIR: out, PROMETHEUS_BIN: 'echo', ...env });

describe('agent entrypoint and config', () => {
  it('fills in sensor, URL and target (quotes survive) and the result passes promtool check config --agent', () => {
    const r = entrypoint({ NETSCORE_SENSOR: `it's "b"`, FLEET_REMOTE_WRITE_URL: 'https://central.example.net:9090/api/v1/write', FLEET_SCRAPE_TARGET: '127.0.0.1:10812' });
    expect(r.status, r.out).toBe(0);
    expect(r.stdout.trim()).toBe(`--config.file=${out}/agent.yml --enable-feature=agent`);
    const cfg = agentConfig();
    expect(cfg.global.external_labels).toEqual({ sensor: `it's "b"` });
    expect(cfg.scrape_configs.map((j) => [j.job_name, j.static_configs[0].targets])).toEqual([['netscore', ['127.0.0.1:10812']]]);
    expect(cfg.remote_write).toHaveLength(1);
    expect(cfg.remote_write[0].url).toBe('https://central.example.net:9090/api/v1/write');
    expect(cfg.rule_files).toBeUndefined();
    const check = run('promtool', ['check', 'config', '--agent', join(out, 'agent.yml')]);
    expect(check.status, check.out).toBe(0);
  });

  it('names the sensor after the host when NETSCORE_SENSOR is not set, and keeps the shipped target', () => {
    const r = entrypoint({ FLEET_REMOTE_WRITE_URL: 'http://c:9090/api/v1/write' });
    expect(r.status, r.out).toBe(0);
    const cfg = agentConfig();
    expect(cfg.global.external_labels.sensor).toBe(run('hostname', []).stdout.trim());
    expect(cfg.scrape_configs[0].static_configs[0].targets).toEqual(['localhost:10811']);
  });

  it('exits 2 with one line naming FLEET_REMOTE_WRITE_URL when it is not set', () => {
    const r = entrypoint({ NETSCORE_SENSOR: 'a' });
    expect(r.status).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toContain('FLEET_REMOTE_WRITE_URL is not set');
  });
});

describe('central config', () => {
  it('promtool check config prometheus/fleet/central.yml loads the bundle\'s two rule files and the fleet\'s', () => {
    const r = run('promtool', ['check', 'config', 'prometheus/fleet/central.yml']);
    expect(r.status, r.out).toBe(0);
    expect(r.out).toContain('SUCCESS: 3 rule files found');
    for (const f of ['prometheus/rules/netscore-alerts.yml', 'prometheus/rules/netscore-recording.yml', 'prometheus/fleet/rules/netscore-fleet.yml']) expect(r.out).toContain(f);
  });

  it('promtool test rules prometheus/fleet/tests/*.yml', () => {
    const r = run('promtool', ['test', 'rules', 'prometheus/fleet/tests/netscore-fleet.test.yml']);
    expect(r.status, r.out).toBe(0);
    expect(r.out).not.toContain('FAILED');
  });

  // Negative controls: the unit tests must catch a rule without its `for:` or without the staleness test.
  it.each([
    ['without its for period', /for: 5m/, 'for: 0m'],
    ['that ignores whether the sensor still sends', /\n\s+unless on \(job, instance\)\n.*\n/, '\n'],
  ])('promtool test rules fails for a copy of the rule %s', (_name, re, replacement) => {
    const dir = mkdtempSync(join(tmpdir(), 'netscore-fleet-rules-'));
    try {
      cpSync(FLEET_DIR, dir, { recursive: true });
      const file = join(dir, 'rules/netscore-fleet.yml');
      const before = readFileSync(file, 'utf8');
      const after = before.replace(re, replacement);
      expect(after).not.toBe(before);
      writeFileSync(file, after);
      const r = run('promtool', ['test', 'rules', join(dir, 'tests/netscore-fleet.test.yml')]);
      expect(r.status, r.out).not.toBe(0);
      expect(r.out).toContain('FAILED');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('docker-compose profile fleet', () => {
  const config = () => {
    const r = run('docker-compose', ['--env-file', '.env.example', '-f', 'docker-compose.yml', '--profile', 'fleet', 'config'], { PATH: process.env.PATH, HOME: process.env.HOME, GRAFANA_ADMIN_PASSWORD: 'test-only' });
    expect(r.status, r.out).toBe(0);
    return (parseYaml(r.stdout) as { services: Record<string, ComposeService> }).services;
  };

  it('docker-compose --profile fleet config -q passes', () => {
    const r = run('docker-compose', ['-f', 'docker-compose.yml', '--profile', 'fleet', 'config', '-q'], { PATH: process.env.PATH, HOME: process.env.HOME, GRAFANA_ADMIN_PASSWORD: 'test-only' });
    expect(r.status, r.out).toBe(0);
  });

  it('wires the agent and the central Prometheus as documented, in profile fleet only', () => {
    const s = config();
    const fleet = Object.keys(s).filter((name) => (s[name].profiles ?? []).includes('fleet')).sort();
    expect(fleet).toEqual(['prometheus-agent', 'prometheus-central']);
    for (const name of fleet) {
      expect(s[name].network_mode, name).toBe('host');
      expect(s[name].image, name).toBe(s.prometheus.image);
    }
    const agent = s['prometheus-agent'];
    expect(agent.entrypoint).toEqual(['/bin/sh', '/etc/netscore/agent-entrypoint.sh']);
    expect(agent.command).toEqual(['--enable-feature=agent', '--storage.agent.path=/prometheus', '--web.listen-address=127.0.0.1:9095']);
    expect(agent.environment).toEqual({ NETSCORE_SENSOR: '', FLEET_REMOTE_WRITE_URL: '', FLEET_SCRAPE_TARGET: 'localhost:10811' });
    expect(agent.volumes.map((v) => v.replace(`${REPO_ROOT}/`, ''))).toEqual(
      expect.arrayContaining(['prometheus/fleet/agent.yml:/etc/netscore/agent.yml:ro', 'prometheus/fleet/agent-entrypoint.sh:/etc/netscore/agent-entrypoint.sh:ro']),
    );
    const central = s['prometheus-central'];
    expect(central.command).toEqual(expect.arrayContaining(['--config.file=/etc/prometheus/fleet/central.yml', '--web.enable-remote-write-receiver', '--web.listen-address=127.0.0.1:9090']));
    // central.yml loads ../rules/*.yml and rules/*.yml: the bundle's rules beside the fleet directory, the fleet's inside it.
    expect(central.volumes.map((v) => v.replace(`${REPO_ROOT}/`, ''))).toEqual(
      expect.arrayContaining(['prometheus/fleet/central.yml:/etc/prometheus/fleet/central.yml:ro', 'prometheus/fleet/rules:/etc/prometheus/fleet/rules:ro', 'prometheus/rules:/etc/prometheus/rules:ro']),
    );
  });
});
