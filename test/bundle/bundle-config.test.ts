/**
 * The bundle's configs, checked by the real tools: promtool, amtool,
 * docker-compose. Each check's oracle is the tool's exit status (plus, for
 * the negative controls, that a deliberately broken copy is rejected).
 */
import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { PROM_DIR, REPO_ROOT } from './prom-harness.js';

function run(cmd: string, args: string[], opts: { cwd?: string; env?: NodeJS.ProcessEnv } = {}) {
  const r = spawnSync(cmd, args, { cwd: opts.cwd ?? REPO_ROOT, env: opts.env ?? process.env, encoding: 'utf8', timeout: 120_000 });
  if (r.error) throw r.error;
  return { status: r.status, out: `${r.stdout}${r.stderr}`, stdout: r.stdout };
}

const tmpDirs: string[] = [];
function tmpCopyOfPrometheusDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'netscore-bundle-'));
  tmpDirs.push(dir);
  cpSync(PROM_DIR, dir, { recursive: true });
  return dir;
}
afterAll(() => {
  for (const d of tmpDirs) rmSync(d, { recursive: true, force: true });
});

describe('prometheus', () => {
  it('promtool check config prometheus/prometheus.yml', () => {
    const r = run('promtool', ['check', 'config', 'prometheus/prometheus.yml']);
    expect(r.status, r.out).toBe(0);
    expect(r.out).toContain('SUCCESS: 2 rule files found');
  });

  it('promtool check rules prometheus/rules/*.yml', () => {
    const r = run('promtool', ['check', 'rules', 'prometheus/rules/netscore-recording.yml', 'prometheus/rules/netscore-alerts.yml']);
    expect(r.status, r.out).toBe(0);
  });

  // promtool takes about 10 s of CPU for both files; the budget allows for a loaded machine.
  it('promtool test rules prometheus/tests/*.yml', () => {
    const r = run('promtool', ['test', 'rules', 'prometheus/tests/anomalies.test.yml', 'prometheus/tests/health.test.yml']);
    expect(r.status, r.out).toBe(0);
    expect(r.out).not.toContain('FAILED');
  }, 180_000);

  it('every alert has severity, summary, description, dashboard, and a firing and a non-firing unit test', () => {
    const rules = parseYaml(readFileSync(join(PROM_DIR, 'rules/netscore-alerts.yml'), 'utf8')) as { groups: { rules: Record<string, any>[] }[] };
    const alerts = rules.groups.flatMap((g) => g.rules).filter((r) => r.alert);
    expect(alerts.length).toBeGreaterThanOrEqual(12);
    const tested = new Map<string, { fires: number; silent: number }>();
    for (const f of ['anomalies.test.yml', 'health.test.yml']) {
      const t = parseYaml(readFileSync(join(PROM_DIR, 'tests', f), 'utf8')) as { tests: { alert_rule_test?: { alertname: string; exp_alerts?: unknown[] }[] }[] };
      for (const tc of t.tests) {
        for (const a of tc.alert_rule_test ?? []) {
          const e = tested.get(a.alertname) ?? { fires: 0, silent: 0 };
          if ((a.exp_alerts ?? []).length > 0) e.fires++;
          else e.silent++;
          tested.set(a.alertname, e);
        }
      }
    }
    for (const a of alerts) {
      expect(a.labels?.severity, a.alert).toMatch(/^(critical|warning)$/);
      expect(a.annotations?.summary, a.alert).toBeTruthy();
      expect(a.annotations?.description, a.alert).toBeTruthy();
      expect(a.annotations?.dashboard, a.alert).toMatch(/^http:\/\/localhost:3000\/d\/netscore-(traffic|anomalies|fleet)\//);
      expect(tested.get(a.alert)?.fires ?? 0, `${a.alert} firing test`).toBeGreaterThan(0);
      expect(tested.get(a.alert)?.silent ?? 0, `${a.alert} non-firing test`).toBeGreaterThan(0);
    }
    const crit = alerts.find((a) => a.alert === 'NetscoreIncidentCritical');
    const warn = alerts.find((a) => a.alert === 'NetscoreIncidentWarning');
    expect(crit?.for).toBe('0m');
    expect(warn?.for).toMatch(/^[1-5]m$/);
    expect(alerts.find((a) => a.alert === 'NetscoreExporterDown')?.expr).toBe('up{job="netscore"} == 0');
  });

  // Negative controls: the unit tests must catch a broken `for:`, a broken threshold and a rule that
  // forgets what the exporter exposes. Each runs promtool on the test file that covers the rule.
  it.each([
    ['warning incident without its for period', /(alert: NetscoreIncidentWarning\n(?:.*\n)*?\s+for: )2m/, '$10m', 'anomalies'],
    ['incident alert identified without its incident', /max by \(job, instance, incident, host, category\) \(netscore_top_incident_score\{severity="critical"\}\)/, 'max by (job, instance, host, category) (netscore_top_incident_score{severity="critical"})', 'anomalies'],
    ['exporter down without its for period', /(alert: NetscoreExporterDown\n(?:.*\n)*?\s+for: )2m/, '$10m', 'health'],
    ['drop ratio threshold at 10%', /capture_drop_ratio:rate5m > 0\.01/, 'capture_drop_ratio:rate5m > 0.1', 'health'],
    ['model-stale alert that ignores whether the model learns online', /netscore_model_online == 1/, 'netscore_model_online >= 0', 'health'],
    ['worker saturation alert without the idle-worker condition', /busy_seconds_total\[5m\]\)\) < 0\.5/, 'busy_seconds_total[5m])) < 2', 'health'],
    ['no-traffic alert that needs the packet series to exist', /\n\s+or on \(job, instance, interface\)\n\s+\(netscore_capture_up == 1 unless[^\n]*/, '', 'health'],
  ])('promtool test rules fails for a copy with %s', (_name, re, replacement, tests) => {
    const dir = tmpCopyOfPrometheusDir();
    const file = join(dir, 'rules/netscore-alerts.yml');
    const before = readFileSync(file, 'utf8');
    const after = before.replace(re, replacement);
    expect(after).not.toBe(before);
    writeFileSync(file, after);
    const r = run('promtool', ['test', 'rules', join(dir, `tests/${tests}.test.yml`)]);
    expect(r.status, r.out).not.toBe(0);
    expect(r.out).toContain('FAILED');
  }, 180_000);
});

describe('alertmanager', () => {
  it('amtool check-config prometheus/alertmanager.yml', () => {
    const r = run('amtool', ['check-config', 'prometheus/alertmanager.yml']);
    expect(r.status, r.out).toBe(0);
    expect(r.out).toContain('1 templates');
  });

  it('routes critical and warning alerts to their receivers', () => {
    const route = (labels: string[]) => run('amtool', ['config', 'routes', 'test', '--config.file=prometheus/alertmanager.yml', ...labels]);
    const c = route(['alertname=NetscoreIncidentCritical', 'severity=critical', 'host=10.0.0.1']);
    expect(c.status, c.out).toBe(0);
    expect(c.stdout.trim()).toBe('netscore-critical');
    const w = route(['alertname=NetscoreIncidentWarning', 'severity=warning']);
    expect(w.status, w.out).toBe(0);
    expect(w.stdout.trim()).toBe('netscore-warning');
  });

  it('routing: critical at once, group_by alertname/instance/host, resolved mails, inhibition by exporter down', () => {
    const cfg = parseYaml(readFileSync(join(PROM_DIR, 'alertmanager.yml'), 'utf8')) as Record<string, any>;
    expect(cfg.route.group_by).toEqual(['alertname', 'instance', 'host']);
    const crit = cfg.route.routes.find((r: any) => r.matchers.includes('severity="critical"'));
    expect(crit.group_wait).toBe('0s');
    for (const r of cfg.receivers) for (const e of r.email_configs ?? []) expect(e.send_resolved, r.name).toBe(true);
    expect(cfg.inhibit_rules).toContainEqual(expect.objectContaining({ source_matchers: ['alertname="NetscoreExporterDown"'], equal: ['instance'] }));
    expect(cfg.global.smtp_require_tls).toBe(false);
    expect(cfg.global.smtp_auth_password).toBe('');
  });

  it('entrypoint fills SMTP settings from the environment (quotes survive) and the result passes amtool', () => {
    const out = mkdtempSync(join(tmpdir(), 'netscore-am-entry-'));
    tmpDirs.push(out);
    const password = `p"a\\s&s|w'x $HOME`;
    const r = run('sh', [join(PROM_DIR, 'alertmanager-entrypoint.sh'), '--flag=x'], {
      env: {
        PATH: process.env.PATH,
        NETSCORE_AM_SRC_DIR: PROM_DIR,
        NETSCORE_AM_OUT_DIR: out,
        ALERTMANAGER_BIN: 'echo',
        SMTP_SMARTHOST: 'smtp.example.net:587',
        SMTP_FROM: 'netscore <netscore@example.net>',
        SMTP_AUTH_USERNAME: 'netscore@example.net',
        SMTP_AUTH_PASSWORD: password,
        SMTP_REQUIRE_TLS: 'true',
        ALERT_EMAIL_TO: 'soc@example.net',
      },
    });
    expect(r.status, r.out).toBe(0);
    expect(r.stdout.trim()).toBe(`--config.file=${out}/alertmanager.yml --flag=x`);
    const cfg = parseYaml(readFileSync(join(out, 'alertmanager.yml'), 'utf8')) as Record<string, any>;
    expect(cfg.global).toMatchObject({
      smtp_smarthost: 'smtp.example.net:587',
      smtp_from: 'netscore <netscore@example.net>',
      smtp_auth_username: 'netscore@example.net',
      smtp_auth_password: password,
      smtp_require_tls: true,
    });
    for (const rc of cfg.receivers) for (const e of rc.email_configs) expect(e.to).toBe('soc@example.net');
    const check = run('amtool', ['check-config', join(out, 'alertmanager.yml')]);
    expect(check.status, check.out).toBe(0);
    expect(check.out).toContain('1 templates');
  });
});

describe('docker-compose', () => {
  const env = (extra: Record<string, string>) => {
    const e: NodeJS.ProcessEnv = { PATH: process.env.PATH, HOME: process.env.HOME, ...extra };
    return e;
  };

  it('docker-compose -f docker-compose.yml config -q passes with the Grafana password set', () => {
    const r = run('docker-compose', ['-f', 'docker-compose.yml', 'config', '-q'], { env: env({ GRAFANA_ADMIN_PASSWORD: 'test-only' }) });
    expect(r.status, r.out).toBe(0);
  });

  it('refuses to start Grafana without an admin password', () => {
    const r = run('docker-compose', ['-f', 'docker-compose.yml', 'config', '-q'], { env: env({}) });
    expect(r.status).not.toBe(0);
    expect(r.out).toContain('GRAFANA_ADMIN_PASSWORD');
  });

  it('wires services as documented: host networking, capabilities, healthcheck, pinned images', () => {
    const r = run('docker-compose', ['--env-file', '.env.example', '-f', 'docker-compose.yml', 'config'], { env: env({ GRAFANA_ADMIN_PASSWORD: 'test-only' }) });
    expect(r.status, r.out).toBe(0);
    const c = parseYaml(r.out) as { services: Record<string, any> };
    // docker-compose 1.29 lists every service; those of a profile start only with it (see fleet-config.test.ts).
    expect(Object.keys(c.services).filter((name) => c.services[name].profiles === undefined).sort()).toEqual(['alertmanager', 'grafana', 'mailpit', 'netscore', 'prometheus']);
    for (const s of Object.values(c.services)) expect(s.network_mode).toBe('host');
    expect(c.services.netscore.cap_add.sort()).toEqual(['NET_ADMIN', 'NET_RAW']);
    // The healthcheck and the scrape target follow the listen address (test/bundle/listen-port.test.ts runs them).
    expect(JSON.stringify(c.services.netscore.healthcheck.test)).toContain('process.env.NETSCORE_WEB_LISTEN_ADDRESS');
    expect(c.services.prometheus.environment.NETSCORE_WEB_LISTEN_ADDRESS).toBe(c.services.netscore.environment.NETSCORE_WEB_LISTEN_ADDRESS);
    for (const name of ['prometheus', 'alertmanager', 'grafana', 'mailpit']) expect(c.services[name].image, name).toMatch(/:v?\d+\.\d+\.\d+$/);
    expect(c.services.alertmanager.environment.ALERT_EMAIL_TO).toBe('oncall@example.com');
  });
});
