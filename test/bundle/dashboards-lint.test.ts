/**
 * Static checks of grafana/dashboards/*.json against the Grafana dashboard
 * schema (grafana-dashboard.schema.json), the provisioned data sources, the
 * rules' dashboard links, and the bundle's conventions.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { validate, type Schema } from './json-schema.js';
import { PROM_DIR, REPO_ROOT } from './prom-harness.js';

const DASH_DIR = join(REPO_ROOT, 'grafana', 'dashboards');
const schema = JSON.parse(readFileSync(join(REPO_ROOT, 'test/bundle/grafana-dashboard.schema.json'), 'utf8')) as Schema;

type Json = Record<string, any>;
const files = readdirSync(DASH_DIR).filter((f) => f.endsWith('.json')).sort();
const dashboards: [string, Json][] = files.map((f) => [f, JSON.parse(readFileSync(join(DASH_DIR, f), 'utf8')) as Json]);

const provisioned = parseYaml(readFileSync(join(REPO_ROOT, 'grafana/provisioning/datasources/datasources.yml'), 'utf8')) as { datasources: Json[] };
const dsByUid = new Map(provisioned.datasources.map((d) => [d.uid as string, d]));

/** Every panel, rows' nested panels included, rows excluded. */
function panelsOf(d: Json): Json[] {
  const out: Json[] = [];
  for (const p of d.panels as Json[]) {
    if (p.type === 'row') out.push(...((p.panels as Json[]) ?? []));
    else out.push(p);
  }
  return out;
}

/** The argument text of each `fn(` call in expr, up to the matching parenthesis. */
function callArgs(expr: string, fn: string): string[] {
  const out: string[] = [];
  const re = new RegExp(`\\b${fn}\\s*\\(`, 'g');
  for (let m = re.exec(expr); m; m = re.exec(expr)) {
    let depth = 1;
    let i = m.index + m[0].length;
    const start = i;
    for (; i < expr.length && depth > 0; i++) {
      if (expr[i] === '(') depth++;
      else if (expr[i] === ')') depth--;
    }
    out.push(expr.slice(start, i - 1));
  }
  return out;
}

/** Lint problems of one PromQL expression (empty when fine). */
function lintExpr(expr: string, vars: Set<string>): string[] {
  const problems: string[] = [];
  for (const m of expr.matchAll(/\[([^\]]*)\]/g)) {
    const range = m[1].trim();
    if (range !== '$__rate_interval' && range !== '$__range') problems.push(`range [${range}] is not $__rate_interval`);
  }
  for (const fn of ['rate', 'irate']) {
    for (const a of callArgs(expr, fn)) if (!/\[\$__rate_interval\]\s*$/.test(a)) problems.push(`${fn}(${a}) does not use [$__rate_interval]`);
  }
  for (const m of expr.matchAll(/\$\{?([A-Za-z_][A-Za-z0-9_]*)/g)) {
    if (!m[1].startsWith('__') && !vars.has(m[1])) problems.push(`undefined variable $${m[1]}`);
  }
  return problems;
}

describe('dashboard lint helpers can fail', () => {
  const vars = new Set(['job', 'instance']);
  it('flags fixed ranges, missing $__rate_interval and unknown variables', () => {
    expect(lintExpr('sum(rate(x{job=~"$job"}[5m]))', vars)).toEqual(['range [5m] is not $__rate_interval', 'rate(x{job=~"$job"}[5m]) does not use [$__rate_interval]']);
    expect(lintExpr('rate(x{instance=~"$nope"}[$__rate_interval])', vars)).toEqual(['undefined variable $nope']);
    expect(lintExpr('sum by (le) (rate(x_bucket{job=~"$job"}[$__rate_interval]))', vars)).toEqual([]);
  });
  it('the schema validator rejects a panel without description and a bad gridPos', () => {
    const bad = { uid: 'x', title: 't', tags: [], editable: false, graphTooltip: 0, schemaVersion: 39, time: { from: 'now-1h', to: 'now' }, templating: { list: [] }, panels: [{ type: 'stat', id: 1, title: 'x', gridPos: { h: 1, w: 25, x: 0, y: 0 }, fieldConfig: { defaults: {}, overrides: [] }, options: {} }] };
    const errs = validate(bad, schema);
    expect(errs.join('\n')).toContain('missing required "description"');
    expect(errs.join('\n')).toContain('25 > maximum 24');
  });
});

describe('provisioning', () => {
  it('provisions Prometheus and Alertmanager with fixed uids', () => {
    expect(dsByUid.get('netscore-prometheus')).toMatchObject({ type: 'prometheus', url: 'http://localhost:9090' });
    expect(dsByUid.get('netscore-alertmanager')).toMatchObject({ type: 'alertmanager', jsonData: { implementation: 'prometheus' } });
  });
  it('the dashboard provider loads the directory docker-compose mounts the dashboards at', () => {
    const provider = parseYaml(readFileSync(join(REPO_ROOT, 'grafana/provisioning/dashboards/provider.yml'), 'utf8')) as { providers: Json[] };
    const compose = readFileSync(join(REPO_ROOT, 'docker-compose.yml'), 'utf8');
    const path = provider.providers[0].options.path as string;
    expect(compose).toContain(`./grafana/dashboards:${path}:ro`);
  });
});

describe('generated dashboards are up to date', () => {
  it('node grafana/build-dashboards.mjs reproduces the committed JSON', () => {
    const out = mkdtempSync(join(tmpdir(), 'netscore-dash-'));
    try {
      const r = spawnSync(process.execPath, [join(REPO_ROOT, 'grafana/build-dashboards.mjs'), out], { encoding: 'utf8' });
      expect(r.status, r.stderr).toBe(0);
      for (const f of files) expect(readFileSync(join(out, f), 'utf8'), f).toBe(readFileSync(join(DASH_DIR, f), 'utf8'));
    } finally {
      rmSync(out, { recursive: true, force: true });
    }
  });
});

describe.each(dashboards)('%s', (file, d) => {
  const vars = new Set<string>((d.templating.list as Json[]).map((v) => v.name as string));

  it('is valid against the Grafana dashboard schema', () => {
    expect(validate(d, schema)).toEqual([]);
  });

  it('has a fixed uid and the variables datasource, job, instance', () => {
    expect(d.uid).toBe(`netscore-${file.replace(/\.json$/, '')}`);
    for (const v of ['datasource', 'job', 'instance']) expect(vars.has(v), v).toBe(true);
    const ds = (d.templating.list as Json[]).find((v) => v.name === 'datasource')!;
    expect(ds.type).toBe('datasource');
    expect(ds.query).toBe('prometheus');
    expect(dsByUid.has(ds.current.value), 'datasource variable default is provisioned').toBe(true);
  });

  it('every panel has a description, a unique id and fits the 24-column grid', () => {
    const ids = new Set<number>();
    for (const p of d.panels as Json[]) {
      expect(ids.has(p.id), `duplicate id ${p.id}`).toBe(false);
      ids.add(p.id);
      expect(p.gridPos.x + p.gridPos.w, p.title).toBeLessThanOrEqual(24);
    }
    for (const p of panelsOf(d)) expect(typeof p.description === 'string' && p.description.trim().length > 20, `panel "${p.title}" description`).toBe(true);
  });

  it('uses only provisioned datasource uids (directly or via $datasource)', () => {
    const refs: { where: string; ref: Json }[] = [];
    for (const p of panelsOf(d)) {
      if (p.datasource) refs.push({ where: p.title, ref: p.datasource });
      for (const t of p.targets ?? []) if (t.datasource) refs.push({ where: `${p.title}/${t.refId}`, ref: t.datasource });
    }
    for (const v of d.templating.list as Json[]) if (v.datasource) refs.push({ where: `variable ${v.name}`, ref: v.datasource });
    for (const a of d.annotations?.list ?? []) if (a.datasource && a.datasource.type !== 'grafana') refs.push({ where: `annotation ${a.name}`, ref: a.datasource });
    expect(refs.length).toBeGreaterThan(0);
    for (const { where, ref } of refs) {
      const uid = ref.uid === '${datasource}' ? 'netscore-prometheus' : ref.uid;
      expect(dsByUid.has(uid), `${where}: uid ${ref.uid}`).toBe(true);
      expect(ref.type, where).toBe(dsByUid.get(uid)!.type);
    }
    // panels without a query datasource are only the alert list
    for (const p of panelsOf(d)) if (!p.datasource) expect(p.type, p.title).toBe('alertlist');
  });

  it('queries use $__rate_interval, no fixed ranges, and only defined variables', () => {
    const problems: string[] = [];
    let n = 0;
    for (const p of panelsOf(d)) {
      for (const t of p.targets ?? []) {
        n++;
        for (const pr of lintExpr(t.expr, vars)) problems.push(`${p.title}/${t.refId}: ${pr}`);
      }
    }
    for (const v of d.templating.list as Json[]) {
      if (v.type === 'query') for (const pr of lintExpr(v.definition, vars)) problems.push(`variable ${v.name}: ${pr}`);
    }
    expect(n).toBeGreaterThan(5);
    expect(problems).toEqual([]);
  });
});

/** Metrics (and recorded series) that carry an `interface` label. */
const INTERFACE_METRICS = /\b(netscore_(packets_total|bytes_total|packet_size_bytes\w*|capture_(?!worker)\w+)|netscore_interface:\w+:\w+|netscore:(packets|bytes):rate5m)\{([^}]*)\}/g;

describe.each(dashboards)('%s variables', (_file, d) => {
  const queries = panelsOf(d).flatMap((p) => (p.targets ?? []).map((t: Json) => ({ where: `${p.title}/${t.refId}`, expr: String(t.expr) })));

  it('has the interface variable exactly when a panel shows per-interface metrics, and every such query filters by it', () => {
    const unfiltered: string[] = [];
    let perInterface = 0;
    for (const q of queries) {
      for (const m of q.expr.matchAll(INTERFACE_METRICS)) {
        perInterface++;
        if (!/interface=~"\$interface"/.test(m[4])) unfiltered.push(`${q.where}: ${m[0]}`);
      }
    }
    const hasVar = (d.templating.list as Json[]).some((v) => v.name === 'interface');
    expect(hasVar, 'interface variable present').toBe(perInterface > 0);
    expect(unfiltered).toEqual([]);
  });

  it('uses every variable it declares in some query', () => {
    const text = [...queries.map((q) => q.expr), ...(d.templating.list as Json[]).map((v) => String(v.definition ?? '')), JSON.stringify(d.panels)].join('\n');
    const unused = (d.templating.list as Json[]).map((v) => v.name as string).filter((name) => name !== 'datasource' && !new RegExp(`\\$(\\{${name}\\}|${name}\\b)`).test(text));
    expect(unused).toEqual([]);
  });

  it('defaults multi-value variables other than job, instance and interface to a readable handful', () => {
    for (const v of (d.templating.list as Json[]).filter((x) => x.type === 'query' && x.name === 'feature')) {
      const value = v.current.value as string[];
      expect(value).not.toContain('$__all');
      expect(value.length).toBeGreaterThan(0);
      expect(value.length).toBeLessThanOrEqual(6);
    }
  });
});

describe('alert rule dashboard links', () => {
  it('point at existing dashboard uids and variables', () => {
    const byUid = new Map(dashboards.map(([, d]) => [d.uid as string, d]));
    const rules = parseYaml(readFileSync(join(PROM_DIR, 'rules/netscore-alerts.yml'), 'utf8')) as { groups: { rules: Json[] }[] };
    const links = rules.groups.flatMap((g) => g.rules).filter((r) => r.alert).map((r) => [r.alert as string, r.annotations.dashboard as string] as const);
    expect(links.length).toBeGreaterThan(10);
    for (const [alert, link] of links) {
      const m = /^http:\/\/localhost:3000\/d\/([^/?]+)\/[^?]+\?(.*)$/.exec(link);
      expect(m, `${alert}: ${link}`).not.toBeNull();
      const dash = byUid.get(m![1]);
      expect(dash, `${alert}: uid ${m![1]}`).toBeDefined();
      const names = new Set((dash!.templating.list as Json[]).map((v) => v.name));
      for (const param of m![2].split('&')) {
        const name = param.split('=')[0].replace(/^var-/, '');
        expect(names.has(name), `${alert}: var-${name}`).toBe(true);
      }
    }
  });
});
