/**
 * Every dashboard query returns at least one series against a real Prometheus
 * (shipped rules, 1 s scrapes) that has scraped a real netscore replaying a
 * synthetic capture with attacks. Template variables are substituted as
 * dashboard-vars.ts describes, $__range with the test's span. netscore runs
 * with two capture workers, so the capture-workers row has its series and
 * every other panel is checked against the sharded packet path too.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { waitFor } from '../support/wait-for.js';
import { REPO_ROOT, startPrometheus, stopAll, type PrometheusHandle } from './prom-harness.js';
import { startReplay, synthesize, trainBenignModel, type NetscoreReplay } from './netscore-proc.js';
import { panelQueries, substitute, type TemplateVar } from './dashboard-vars.js';

type Json = Record<string, any>;
const DASH_DIR = join(REPO_ROOT, 'grafana', 'dashboards');
const dashboards = readdirSync(DASH_DIR).filter((f) => f.endsWith('.json')).sort().map((f) => [f, JSON.parse(readFileSync(join(DASH_DIR, f), 'utf8')) as Json] as const);
const SPEED = Number(process.env.NETSCORE_E2E_SPEED ?? 30);

describe('dashboards against live data', () => {
  let dir: string;
  let prom: PrometheusHandle;
  let ns: NetscoreReplay;
  let start: number;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'netscore-dash-live-'));
    const model = trainBenignModel(dir);
    const s = synthesize(dir, { duration: '900', attacks: 'all' });
    // A capture with a malformed IPv4 header, so the decode-error panels have a series too.
    const malformed = join(REPO_ROOT, 'test', 'fixtures', 'golden', 'ipv4-invalid-ihl.pcap');
    ns = await startReplay([malformed, s.pcap], SPEED, [`--model.file=${model}`, '--capture.workers=2']);
    prom = await startPrometheus({ target: ns.address });
    start = Date.now() / 1000;
    // Let the replay run past the warm-up (600 s of packet time) and a few attacks.
    await waitFor(async () => {
      const r = await prom.query('max(netscore_model_state{state="scoring"})');
      return r.length > 0 && r[0].value[1] === '1' && (await prom.query('netscore_top_host_anomaly_score')).length > 0;
    }, { timeoutMs: 150_000, intervalMs: 1000, what: 'netscore scoring and flagging hosts' }).catch(() => undefined);
    await new Promise((r) => setTimeout(r, 5_000));
  }, 200_000);

  afterAll(async () => {
    await stopAll(ns, prom);
    rmSync(dir, { recursive: true, force: true });
  });

  it('substitute() replaces variables and intervals', () => {
    const vars = [
      { name: 'job', type: 'query', allValue: '.+' },
      { name: 'stat', type: 'custom', current: { value: 'p99' } },
    ];
    expect(substitute('rate(x{job=~"$job",stat="${stat}"}[$__rate_interval])', vars, '60s')).toBe('rate(x{job=~".+",stat="p99"}[10s])');
  });

  it('sees both capture workers, each with packets', async () => {
    const workers = await prom.query('netscore_capture_worker_packets_total > 0');
    expect(workers.map((w) => w.metric.worker).sort()).toEqual(['0', '1']);
  });

  it.each(dashboards)('every query of %s returns at least one series', async (_file, d) => {
    const vars = d.templating.list as TemplateVar[];
    const end = Date.now() / 1000;
    const range = `${Math.max(60, Math.ceil(end - start))}s`;
    // The replay exits when the file ends; evaluate instant (table) queries
    // at the last scrape that succeeded, as a user would look at that moment.
    const up = await prom.queryRange('up{job="netscore"}', start, end, 1);
    const upAt = (up[0]?.values ?? []).filter(([, v]) => v === '1').map(([t]) => t);
    const instantAt = upAt.length > 0 ? upAt[upAt.length - 1] : end;
    const empty: string[] = [];
    let n = 0;
    for (const q of panelQueries(d)) {
      n++;
      const expr = substitute(q.expr, vars, range);
      const series = q.instant ? await prom.query(expr, instantAt) : await prom.queryRange(expr, start, end, 1);
      if (series.length === 0) empty.push(`${q.panel} [${q.refId}]: ${expr}`);
    }
    for (const v of vars.filter((x) => x.type === 'query')) {
      const m = /^label_values\((.*),\s*(\w+)\)$/.exec(v.definition ?? '');
      expect(m, v.definition).not.toBeNull();
      const values = await prom.api<string[]>(`label/${m![2]}/values`, { 'match[]': substitute(m![1], vars, range), start: String(start), end: String(end) });
      if (values.length === 0) empty.push(`variable ${v.name}: ${v.definition}`);
    }
    expect(n).toBeGreaterThan(5);
    expect(empty).toEqual([]);
  }, 60_000);
});
