/**
 * A fleet on the Prometheus ecosystem, with real binaries on loopback: two
 * sensors, each a netscore replaying its own synthetic capture with attacks
 * (in a loop, scoring with a model trained on other benign traffic) and a
 * Prometheus agent (prometheus/fleet/agent.yml through agent-entrypoint.sh)
 * remote-writing to one central Prometheus (prometheus/fleet/central.yml with
 * the bundle's rules, unchanged). Both sensors' exporters listen on
 * 127.0.0.1, so only the agents' external label tells them apart.
 * Oracles: the sensor names and ports the test chose, the synth labels (who
 * attacked), the central Prometheus' answers.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { waitFor } from '../support/wait-for.js';
import { panelQueries, substitute, type TemplateVar } from './dashboard-vars.js';
import { FLEET_DIR, startAgent, startCentral, type AgentHandle } from './fleet-harness.js';
import { startReplay, synthesize, trainBenignModel, type NetscoreReplay, type SynthAttack } from './netscore-proc.js';
import { PROM_DIR, REPO_ROOT, stopAll, type PrometheusHandle } from './prom-harness.js';

const fleet = JSON.parse(readFileSync(join(REPO_ROOT, 'grafana', 'dashboards', 'fleet.json'), 'utf8')) as { panels: unknown[]; templating: { list: TemplateVar[] } };
const SPEED = Number(process.env.NETSCORE_E2E_SPEED ?? 20);
const WAIT_MS = 45_000;

/** One sensor of the test fleet. */
interface Sensor {
  name: string;
  ns: NetscoreReplay;
  agent: AgentHandle;
  attacks: SynthAttack[];
  /** The `instance` the central side must see: <sensor>:<netscore port>. */
  instance: string;
}

describe('two sensors (netscore + Prometheus agent) remote-writing to a central Prometheus', () => {
  let dir: string;
  let central: PrometheusHandle;
  let sensors: Sensor[] = [];
  let start: number;

  /** The instances a query's answer names, sorted and distinct. */
  const instancesOf = (series: { metric: Record<string, string> }[]) => [...new Set(series.map((s) => s.metric.instance ?? '(none)'))].sort();
  const expected = () => sensors.map((s) => s.instance).sort();

  /** The same failure, with what each part logged. */
  const explain = (err: unknown): never => {
    const tail = (name: string, text: string) => `--- ${name} ---\n${text.slice(-1500)}`;
    throw new Error([(err as Error).message, tail('central', central.logs()), ...sensors.flatMap((s) => [tail(`netscore ${s.name}`, s.ns.logs()), tail(`agent ${s.name}`, s.agent.logs())])].join('\n'));
  };

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'netscore-fleet-'));
    const model = trainBenignModel(dir);
    const captures = [
      { name: 'sensor-a', ...synthesize(dir, { duration: '240', attacks: 'scan,synflood', seed: '1', name: 'a' }) },
      { name: 'sensor-b', ...synthesize(dir, { duration: '240', attacks: 'scan,synflood', seed: '2', name: 'b' }) },
    ];
    central = await startCentral();
    const replays = await Promise.all(captures.map((c) => startReplay(c.pcap, SPEED, [`--model.file=${model}`, '--replay.loop=0', '--log.level=warn'])));
    const agents = await Promise.all(captures.map((c, i) => startAgent({ sensor: c.name, target: replays[i].address, remoteWriteUrl: `${central.url}/api/v1/write` })));
    sensors = captures.map((c, i) => ({ name: c.name, ns: replays[i], agent: agents[i], attacks: c.attacks, instance: `${c.name}:${replays[i].address.split(':')[1]}` }));
    start = Date.now() / 1000;
  }, 60_000);

  afterAll(async () => {
    await stopAll(...sensors.flatMap((s) => [s.agent, s.ns]), central);
    rmSync(dir, { recursive: true, force: true });
  });

  it('every series reaches the central side with the sensor as `sensor` and in `instance`', async () => {
    // What the agents sent; recording rules and ALERTS, made centrally, keep `instance` only.
    const sent = 'job="netscore",__name__!~".*:.*|ALERTS.*"';
    const pairs = () => central.query(`count by (sensor, instance) ({${sent}})`);
    await waitFor(async () => (await pairs()).length >= 2, { timeoutMs: WAIT_MS, what: 'series of both sensors on the central Prometheus' }).catch(explain);
    const got = (await pairs()).map((s) => `${s.metric.sensor} ${s.metric.instance}`).sort();
    expect(got).toEqual(sensors.map((s) => `${s.name} ${s.instance}`).sort());
    // No series without the sensor label, none with the agents' local scrape address.
    expect(await central.query(`{${sent},sensor=""}`)).toEqual([]);
    expect(await central.query('{job="netscore",instance=~"127\\\\.0\\\\.0\\\\.1:.*"}')).toEqual([]);
    // netscore's own families, and the agents' report series (up) both made it.
    for (const s of sensors) {
      expect(Number((await central.query(`count({sensor="${s.name}",__name__=~"netscore_.+"})`))[0]?.value[1] ?? 0), s.name).toBeGreaterThan(50);
      expect((await central.query(`up{instance="${s.instance}"}`)).map((x) => x.value[1]), s.name).toEqual(['1']);
    }
  }, WAIT_MS + 10_000);

  it('every query and variable of the Fleet dashboard returns both sensors', async () => {
    const vars = fleet.templating.list;
    const queries = panelQueries(fleet);
    expect(queries.length).toBeGreaterThan(10);
    /** Queries whose answer does not name exactly the two sensors. */
    const wrong = async (): Promise<string[]> => {
      const end = Date.now() / 1000;
      const range = `${Math.max(60, Math.ceil(end - start))}s`;
      const out: string[] = [];
      for (const q of queries) {
        const expr = substitute(q.expr, vars, range);
        const got = instancesOf(q.instant ? await central.query(expr) : await central.queryRange(expr, start, end, 1));
        if (JSON.stringify(got) !== JSON.stringify(expected())) out.push(`${q.panel} [${q.refId}] ${JSON.stringify(got)}: ${expr}`);
      }
      for (const v of vars.filter((x) => x.type === 'query')) {
        const m = /^label_values\((.*),\s*(\w+)\)$/.exec(v.definition ?? '');
        if (!m) throw new Error(`variable ${v.name}: ${v.definition}`);
        const values = await central.api<string[]>(`label/${m[2]}/values`, { 'match[]': substitute(m[1], vars, range), start: String(start), end: String(end) });
        if (values.length === 0) out.push(`variable ${v.name} has no values: ${v.definition}`);
        if (v.name === 'instance' && JSON.stringify([...values].sort()) !== JSON.stringify(expected())) out.push(`variable instance ${JSON.stringify(values)}`);
      }
      return out;
    };
    let last: string[] = [];
    const settled = async () => {
      last = await wrong();
      return last.length === 0;
    };
    await waitFor(settled, { timeoutMs: WAIT_MS, intervalMs: 1000, what: 'every Fleet query to name both sensors' }).catch(() => undefined);
    expect(last).toEqual([]);
  }, WAIT_MS + 20_000);

  it('the central Prometheus fires a critical incident alert for each sensor, about an attacker in that sensor\'s capture', async () => {
    /** Firing NetscoreIncidentCritical alerts per instance: the hosts they name. */
    const firing = async () => {
      const by = new Map<string, string[]>();
      for (const a of await central.alerts()) {
        if (a.labels.alertname !== 'NetscoreIncidentCritical' || a.state !== 'firing') continue;
        by.set(a.labels.instance, [...(by.get(a.labels.instance) ?? []), a.labels.host]);
      }
      return by;
    };
    const aboutAttacker = (by: Map<string, string[]>, s: Sensor) => (by.get(s.instance) ?? []).some((h) => s.attacks.some((x) => x.attacker_ip === h));
    await waitFor(async () => {
      const by = await firing();
      return sensors.every((s) => aboutAttacker(by, s));
    }, { timeoutMs: WAIT_MS, intervalMs: 1000, what: 'a critical alert about an attacker from each sensor' }).catch(explain);
    const by = await firing();
    for (const s of sensors) expect(aboutAttacker(by, s), `${s.name}: ${JSON.stringify(by.get(s.instance))}`).toBe(true);
    // The same alerts as the central ALERTS series, which the Fleet dashboard counts.
    const alerts = await central.query('count by (instance) (ALERTS{alertname="NetscoreIncidentCritical",alertstate="firing"})');
    expect(instancesOf(alerts)).toEqual(expected());
  }, WAIT_MS + 10_000);

  it('the central Prometheus evaluates every rule of the bundle and of the fleet without error', async () => {
    const groups = (await central.api<{ groups: { name: string; rules: { name: string; health: string; lastError?: string }[] }[] }>('rules')).groups;
    const shipped = [join(PROM_DIR, 'rules'), join(FLEET_DIR, 'rules')].flatMap((d) =>
      readdirSync(d).filter((f) => f.endsWith('.yml')).flatMap((f) => (parseYaml(readFileSync(join(d, f), 'utf8')) as { groups: { name: string }[] }).groups.map((g) => g.name)),
    );
    expect(shipped).toContain('netscore-fleet');
    expect(groups.map((g) => g.name).sort()).toEqual(shipped.sort());
    for (const r of groups.flatMap((g) => g.rules)) expect({ rule: r.name, health: r.health, lastError: r.lastError ?? '' }).toEqual({ rule: r.name, health: 'ok', lastError: '' });
    // Both sensors send: the fleet's silence alert is quiet.
    expect((await central.alerts()).filter((a) => a.labels.alertname === 'NetscoreSensorSilent')).toEqual([]);
  });
});
