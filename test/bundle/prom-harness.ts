/**
 * Test harness for the netscore bundle: runs the real `prometheus` and
 * `prometheus-alertmanager` binaries with temp copies of the shipped configs.
 *
 *   const am = await startAlertmanager({ smtpPort });
 *   const prom = await startPrometheus({ target: '127.0.0.1:10811', alertmanager: am.address });
 *   await waitFor(async () => (await prom.query('up')).length > 0, { what: 'a scrape' });
 *   ...
 *   await stopAll(prom, am);
 *
 * Prometheus: the shipped prometheus/prometheus.yml with scrape and evaluation
 * interval 1s, a single job "netscore" scraping `target` (one or more), the shipped rule
 * files (absolute paths) and `--rules.alert.resend-delay=1s`.
 * Alertmanager: the shipped prometheus/alertmanager.yml with
 * global.smtp_smarthost = 127.0.0.1:<smtpPort> and the shipped templates.
 * Both listen on 127.0.0.1 on a free port and keep their data in a temp dir
 * that stop() removes.
 */
import type { SpawnOptions } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse as parseYaml, stringify as stringifyYaml } from 'yaml';
import { startProcess, type Running } from '../support/child.js';
import { freePort } from '../support/free-port.js';
import { waitFor } from '../support/wait-for.js';

/** Repository root (two levels above test/bundle). */
export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
/** Directory holding prometheus.yml, alertmanager.yml, rules/, templates/. */
export const PROM_DIR = join(REPO_ROOT, 'prometheus');

/** Binaries, overridable for other installs. */
export const PROMETHEUS_BIN = process.env.PROMETHEUS_BIN ?? 'prometheus';
export const ALERTMANAGER_BIN = process.env.ALERTMANAGER_BIN ?? 'prometheus-alertmanager';

/** Output of a server process, both streams. */
const logsOf = (p: Running) => p.stdout() + p.stderr();

/** Starts `bin args` and waits until `readyUrl` answers 200; on failure stops it and throws with its output. */
export async function startAndWaitReady(name: string, bin: string, args: string[], readyUrl: string, timeoutMs: number, options: SpawnOptions = {}): Promise<Running> {
  const proc = startProcess(bin, args, options);
  try {
    await waitFor(
      async () => {
        if (!proc.running) throw new Error(`${name} exited:\n${logsOf(proc)}`);
        const r = await fetch(readyUrl);
        return r.ok;
      },
      { timeoutMs, what: `${name} ready at ${readyUrl}` },
    );
  } catch (err) {
    await proc.stop();
    throw new Error(`${(err as Error).message}\n--- ${name} output ---\n${logsOf(proc)}`);
  }
  return proc;
}

/** One sample of an instant vector from the HTTP API. */
export interface PromSample {
  metric: Record<string, string>;
  value: [number, string];
}

/** One series of a range query from the HTTP API. */
export interface PromSeries {
  metric: Record<string, string>;
  values: [number, string][];
}

/** An alert as listed by Prometheus' /api/v1/alerts. */
export interface PromAlert {
  labels: Record<string, string>;
  annotations: Record<string, string>;
  state: 'pending' | 'firing' | 'inactive';
  activeAt: string;
  value: string;
}

/** A running Prometheus. */
export interface PrometheusHandle {
  /** Base URL, e.g. http://127.0.0.1:41234 */
  url: string;
  port: number;
  /** Temp dir with prometheus.yml and data/. */
  dir: string;
  configPath: string;
  /** GET /api/v1/<path>?params; returns `data`, throws on status != success. */
  api<T = unknown>(path: string, params?: Record<string, string>): Promise<T>;
  /** Instant query; `time` in epoch seconds (default now). Scalars/strings throw. */
  query(expr: string, time?: number): Promise<PromSample[]>;
  /** Range query (epoch seconds, step in seconds). */
  queryRange(expr: string, start: number, end: number, step: number): Promise<PromSeries[]>;
  /** Active (pending and firing) alerts. */
  alerts(): Promise<PromAlert[]>;
  /** Scrape targets of /api/v1/targets (active). */
  targets(): Promise<{ labels: Record<string, string>; health: string; lastError: string }[]>;
  logs(): string;
  stop(): Promise<void>;
}

/** Options of startPrometheus. */
export interface StartPrometheusOptions {
  /** host:port of the netscore exporter(s) to scrape as job "netscore". */
  target: string | readonly string[];
  /** host:port of an Alertmanager; without it, no alerting section. */
  alertmanager?: string;
  /** Scrape and evaluation interval (default 1s). */
  interval?: string;
  /** Extra command-line flags. */
  extraFlags?: string[];
  /** Last chance to edit the parsed config before it is written. */
  transform?: (config: Record<string, any>) => void;
  /** Readiness timeout (default 30 s). */
  timeoutMs?: number;
}

/** Builds the test copy of prometheus.yml (exported for the config tests). */
export async function prometheusTestConfig(opts: Pick<StartPrometheusOptions, 'target' | 'alertmanager' | 'interval' | 'transform'>): Promise<Record<string, any>> {
  const cfg = parseYaml(await readFile(join(PROM_DIR, 'prometheus.yml'), 'utf8')) as Record<string, any>;
  const interval = opts.interval ?? '1s';
  cfg.global = { ...(cfg.global ?? {}), scrape_interval: interval, scrape_timeout: interval, evaluation_interval: interval };
  cfg.rule_files = (cfg.rule_files as string[]).map((f) => (isAbsolute(f) ? f : join(PROM_DIR, f)));
  const job = (cfg.scrape_configs as Record<string, any>[]).find((j) => j.job_name === 'netscore');
  if (!job) throw new Error('prometheus.yml has no job "netscore"');
  cfg.scrape_configs = [{ ...job, static_configs: [{ targets: [opts.target].flat() }] }];
  if (opts.alertmanager) {
    cfg.alerting = { alertmanagers: [{ static_configs: [{ targets: [opts.alertmanager] }] }] };
  } else {
    delete cfg.alerting;
  }
  opts.transform?.(cfg);
  return cfg;
}

/** Starts a real Prometheus scraping `target` with the shipped rules. */
export async function startPrometheus(opts: StartPrometheusOptions): Promise<PrometheusHandle> {
  const dir = await mkdtemp(join(tmpdir(), 'netscore-prom-'));
  const port = await freePort();
  const configPath = join(dir, 'prometheus.yml');
  await writeFile(configPath, stringifyYaml(await prometheusTestConfig(opts)));
  const url = `http://127.0.0.1:${port}`;
  let proc: Running;
  try {
    proc = await startAndWaitReady(
      'prometheus',
      PROMETHEUS_BIN,
      [
        `--config.file=${configPath}`,
        `--storage.tsdb.path=${join(dir, 'data')}`,
        `--web.listen-address=127.0.0.1:${port}`,
        '--rules.alert.resend-delay=1s',
        '--log.level=info',
        ...(opts.extraFlags ?? []),
      ],
      `${url}/-/ready`,
      opts.timeoutMs ?? 30_000,
    );
  } catch (err) {
    await rm(dir, { recursive: true, force: true });
    throw err;
  }
  const api = async <T>(path: string, params: Record<string, string> = {}): Promise<T> => {
    const r = await fetch(`${url}/api/v1/${path}?${new URLSearchParams(params).toString()}`);
    const raw = await r.text();
    let body: { status: string; data: T; error?: string; errorType?: string };
    try {
      body = JSON.parse(raw) as typeof body;
    } catch {
      throw new Error(`prometheus ${path}: HTTP ${r.status} ${raw.slice(0, 200)}`);
    }
    if (body.status !== 'success') throw new Error(`prometheus ${path} ${JSON.stringify(params)}: ${body.errorType}: ${body.error}`);
    return body.data;
  };
  return {
    url,
    port,
    dir,
    configPath,
    api,
    async query(expr, time) {
      const params: Record<string, string> = { query: expr };
      if (time !== undefined) params.time = String(time);
      const data = await api<{ resultType: string; result: PromSample[] }>('query', params);
      if (data.resultType !== 'vector') throw new Error(`query ${expr}: result type ${data.resultType}, want vector`);
      return data.result;
    },
    async queryRange(expr, start, end, step) {
      const data = await api<{ resultType: string; result: PromSeries[] }>('query_range', { query: expr, start: String(start), end: String(end), step: String(step) });
      return data.result;
    },
    async alerts() {
      return (await api<{ alerts: PromAlert[] }>('alerts')).alerts;
    },
    async targets() {
      return (await api<{ activeTargets: { labels: Record<string, string>; health: string; lastError: string }[] }>('targets')).activeTargets;
    },
    logs: () => logsOf(proc),
    async stop() {
      await proc.stop();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/** An alert as listed by Alertmanager's /api/v2/alerts. */
export interface AmAlert {
  labels: Record<string, string>;
  annotations: Record<string, string>;
  status: { state: string; inhibitedBy: string[]; silencedBy: string[] };
  receivers: { name: string }[];
}

/** A running Alertmanager. */
export interface AlertmanagerHandle {
  url: string;
  port: number;
  /** 127.0.0.1:<port>, for StartPrometheusOptions.alertmanager. */
  address: string;
  dir: string;
  configPath: string;
  /** GET /api/v2/alerts */
  alerts(): Promise<AmAlert[]>;
  /** POST /api/v2/alerts (labels, annotations, startsAt?, endsAt?, generatorURL?). */
  postAlerts(alerts: { labels: Record<string, string>; annotations?: Record<string, string>; startsAt?: string; endsAt?: string; generatorURL?: string }[]): Promise<void>;
  logs(): string;
  stop(): Promise<void>;
}

/** Options of startAlertmanager. */
export interface StartAlertmanagerOptions {
  /** Port of the SMTP server the email receivers deliver to. */
  smtpPort: number;
  /** Its host (default 127.0.0.1). */
  smtpHost?: string;
  /** Last chance to edit the parsed config (e.g. shorter group_wait) before it is written. */
  transform?: (config: Record<string, any>) => void;
  timeoutMs?: number;
}

/** Builds the test copy of alertmanager.yml (exported for the config tests). */
export async function alertmanagerTestConfig(opts: Pick<StartAlertmanagerOptions, 'smtpPort' | 'smtpHost' | 'transform'>): Promise<Record<string, any>> {
  const cfg = parseYaml(await readFile(join(PROM_DIR, 'alertmanager.yml'), 'utf8')) as Record<string, any>;
  cfg.global = { ...(cfg.global ?? {}), smtp_smarthost: `${opts.smtpHost ?? '127.0.0.1'}:${opts.smtpPort}`, smtp_require_tls: false };
  cfg.templates = ((cfg.templates ?? []) as string[]).map((t) => (isAbsolute(t) ? t : join(PROM_DIR, t)));
  opts.transform?.(cfg);
  return cfg;
}

/** Starts a real Alertmanager with the shipped config pointed at 127.0.0.1:smtpPort. */
export async function startAlertmanager(opts: StartAlertmanagerOptions): Promise<AlertmanagerHandle> {
  const dir = await mkdtemp(join(tmpdir(), 'netscore-am-'));
  const port = await freePort();
  const configPath = join(dir, 'alertmanager.yml');
  await writeFile(configPath, stringifyYaml(await alertmanagerTestConfig(opts)));
  const url = `http://127.0.0.1:${port}`;
  let proc: Running;
  try {
    proc = await startAndWaitReady(
      'alertmanager',
      ALERTMANAGER_BIN,
      [
        `--config.file=${configPath}`,
        `--storage.path=${join(dir, 'data')}`,
        `--web.listen-address=127.0.0.1:${port}`,
        `--web.external-url=${url}`,
        '--cluster.listen-address=',
        '--log.level=debug',
      ],
      `${url}/-/ready`,
      opts.timeoutMs ?? 30_000,
    );
  } catch (err) {
    await rm(dir, { recursive: true, force: true });
    throw err;
  }
  return {
    url,
    port,
    address: `127.0.0.1:${port}`,
    dir,
    configPath,
    async alerts() {
      const r = await fetch(`${url}/api/v2/alerts`);
      if (!r.ok) throw new Error(`alertmanager alerts: HTTP ${r.status}`);
      return (await r.json()) as AmAlert[];
    },
    async postAlerts(alerts) {
      const r = await fetch(`${url}/api/v2/alerts`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(alerts) });
      if (!r.ok) throw new Error(`alertmanager post: HTTP ${r.status} ${await r.text()}`);
    },
    logs: () => logsOf(proc),
    async stop() {
      await proc.stop();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/** Stops every handle given (undefined ones are skipped), all errors collected. */
export async function stopAll(...handles: ({ stop(): Promise<void> } | undefined)[]): Promise<void> {
  const results = await Promise.allSettled(handles.filter((h) => h !== undefined).map((h) => h!.stop()));
  const failed = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
  if (failed.length > 0) throw new Error(failed.map((f) => String(f.reason)).join('; '));
}
