/**
 * A first run shows something: the model lifecycle in the log, warm-up
 * progress, a one-line replay summary, a replay that keeps serving after it
 * ends, `eval` warning when the warm-up ate most windows, and `netscore demo`.
 * Oracles: a synthesised capture with known attacks (its labels), the model
 * file `train` wrote, and the --summary JSON of the same replay.
 */
import { existsSync, mkdtempSync, readFileSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../support/free-port.js';
import { waitFor, waitForHttp } from '../support/wait-for.js';
import { runCli, sample, samples, start } from './spawn.js';

const dir = mkdtempSync(path.join(tmpdir(), 'netscore-first-run-'));
const capture = path.join(dir, 'synth.pcap');
const labels = path.join(dir, 'labels.json');
const modelFile = path.join(dir, 'model.json');

/** The JSON log lines of a run with --log.format=json. */
function logLines(stderr: string): Record<string, unknown>[] {
  return stderr
    .split('\n')
    .filter((l) => l.startsWith('{'))
    .map((l) => JSON.parse(l) as Record<string, unknown>);
}

beforeAll(async () => {
  const s = await runCli(['synth', '-o', capture, '--labels', labels, '--duration', '600', '--log.level=error']);
  expect(s.code, s.stderr).toBe(0);
  const t = await runCli(['train', capture, '--model.out', modelFile, '--log.level=error']);
  expect(t.code, t.stderr).toBe(0);
}, 60_000);

describe('model lifecycle and replay summary in the log', () => {
  it('logs warm-up progress, warm-up done, each refit and a one-line summary at info', async () => {
    const [r, json] = await Promise.all([
      runCli(['replay', capture, '--log.format=json', '--model.warmup=120', '--model.retrain-interval=120']),
      runCli(['replay', capture, '--summary', '--log.level=error']),
    ]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toBe('');
    const lines = logLines(r.stderr);
    expect(lines.every((l) => l.level === 'info' && typeof l.ts === 'string'), r.stderr).toBe(true);
    // A batch replay does not announce itself; a paced one does (below).
    expect(lines.filter((l) => l.msg === 'netscore starting')).toEqual([]);
    // 120 s of warm-up, logged at each quarter, then done at generation 1.
    const warming = lines.filter((l) => l.msg === 'model warming up');
    expect(warming.map((l) => l.percent)).toEqual([expect.any(Number), expect.any(Number), expect.any(Number)]);
    expect(warming.every((l) => l.warmup_seconds === 120)).toBe(true);
    const done = lines.filter((l) => l.msg === 'model warm-up done');
    expect(done).toEqual([expect.objectContaining({ generation: 1, rows: expect.any(Number), threshold: expect.any(Number), fit_seconds: expect.any(Number) })]);
    expect(done[0].learnt_seconds as number).toBeGreaterThanOrEqual(120);
    // 600 s of traffic, refits every 120 s after the first fit at ~120 s: generations 2..5, one line each, in order.
    const refits = lines.filter((l) => l.msg === 'model refitted');
    expect(refits.length).toBeGreaterThanOrEqual(3);
    expect(refits.map((l) => l.generation)).toEqual(refits.map((_l, i) => i + 2));
    // The summary line says what --summary says.
    const summary = JSON.parse(json.stdout) as { packets: number; bytes: number; flows: number };
    const finished = lines.filter((l) => l.msg === 'replay finished');
    expect(finished).toEqual([expect.objectContaining({ files: 1, packets: summary.packets, bytes: summary.bytes, flows: summary.flows })]);
  }, 60_000);

  it('logs the loaded model with its family, schema size, threshold and training time', async () => {
    const r = await runCli(['replay', capture, '--log.format=json', `--model.file=${modelFile}`]);
    expect(r.code, r.stderr).toBe(0);
    const file = JSON.parse(readFileSync(modelFile, 'utf8')) as { family: string; schema: string[]; threshold: number; trainedAt: string };
    const loaded = logLines(r.stderr).filter((l) => l.msg === 'model loaded');
    expect(file.family).toBe('iforest');
    expect(loaded).toEqual([
      expect.objectContaining({ file: modelFile, family: file.family, features: file.schema.length, threshold: Number(file.threshold.toFixed(4)), trained_at: file.trainedAt }),
    ]);
    // A fixed model never warms up or refits.
    expect(logLines(r.stderr).filter((l) => /warm|refit/.test(String(l.msg)))).toEqual([]);
  }, 60_000);

  it('prints no summary line below --log.level=info', async () => {
    const r = await runCli(['replay', capture, '--log.level=warn']);
    expect(r.code).toBe(0);
    expect(r.stderr).toBe('');
  }, 60_000);
});

describe('replay --replay.hold', () => {
  it('says its version at start, keeps serving the page and /metrics after a paced replay ends, and exits 0 on SIGTERM', async () => {
    const web = await freePort();
    // 600 s of traffic at 600x: one second of replay.
    const ns = start(['replay', capture, '--replay.speed=600', '--replay.hold', `--model.file=${modelFile}`, `--web.listen-address=127.0.0.1:${web}`, '--log.format=json']);
    try {
      await waitFor(() => ns.stderr().includes('--replay.hold'), { timeoutMs: 30_000, what: 'the hold line' });
      const version = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };
      const startLine = logLines(ns.stderr()).find((l) => l.msg === 'netscore starting');
      expect(startLine).toMatchObject({ version: version.version, revision: expect.stringMatching(/^[0-9a-f]{7,40}$/), built: expect.stringMatching(/^\d{4}-/) });
      await new Promise((r) => setTimeout(r, 1500));
      expect(ns.running).toBe(true);
      const page = await waitForHttp(`http://127.0.0.1:${web}/`);
      expect(page).toContain('finished');
      const metrics = await (await fetch(`http://127.0.0.1:${web}/metrics`)).text();
      const json = JSON.parse((await runCli(['replay', capture, '--summary', '--log.level=error'])).stdout) as { packets: number };
      expect(samples(metrics, 'netscore_packets_total').reduce((a, s) => a + s.value, 0)).toBe(json.packets);
      expect(sample(metrics, 'netscore_model_online')).toBe(0);
      // The build recorded the git revision it was built from.
      const built = JSON.parse(readFileSync(new URL('../../dist/build-info.json', import.meta.url), 'utf8')) as { revision: string };
      expect(built.revision).toMatch(/^[0-9a-f]{12}$/);
      expect(samples(metrics, 'netscore_build_info').map((s) => s.labels.revision)).toEqual([built.revision]);
      expect(startLine?.revision).toBe(built.revision);
    } finally {
      ns.child.kill('SIGTERM');
    }
    expect(await ns.exit).toBe(0);
  }, 60_000);
});

describe('warm-up progress on the page and in the metrics', () => {
  it('shows traffic time learnt of --model.warmup while warming', async () => {
    const web = await freePort();
    // 600 s of traffic at 60x with a 3000 s warm-up: still warming when the pass ends, ~20% learnt.
    const ns = start(['replay', capture, '--replay.speed=60', '--replay.hold', '--model.warmup=3000', `--web.listen-address=127.0.0.1:${web}`, '--log.format=json']);
    try {
      await waitFor(() => ns.stderr().includes('--replay.hold'), { timeoutMs: 40_000, what: 'the end of the replay' });
      const metrics = await (await fetch(`http://127.0.0.1:${web}/metrics`)).text();
      const learnt = sample(metrics, 'netscore_model_warmup_learnt_seconds') as number;
      expect(sample(metrics, 'netscore_model_warmup_seconds')).toBe(3000);
      // The capture spans 600 s of packet time, in 10 s windows.
      expect(learnt).toBeGreaterThanOrEqual(580);
      expect(learnt).toBeLessThanOrEqual(600);
      const page = await (await fetch(`http://127.0.0.1:${web}/`)).text();
      expect(page).toMatch(new RegExp(`Warming up: <progress max="3000" value="${Math.round(learnt)}">`));
      expect(page).toContain(`of 50m 0s of traffic learnt (${Math.floor((100 * learnt) / 3000)}%)`);
    } finally {
      ns.child.kill('SIGTERM');
    }
    expect(await ns.exit).toBe(0);
  }, 60_000);
});

describe('eval without a model', () => {
  it('warns when most windows went to warm-up, and not when a model scores them all', async () => {
    const online = await runCli(['eval', capture, '--labels', labels, '--log.format=json']);
    expect(online.code, online.stderr).toBe(0);
    const warn = logLines(online.stderr).filter((l) => l.level === 'warn');
    // 600 s in 10 s windows, 600 s of warm-up: one window scored.
    expect(warn).toEqual([expect.objectContaining({ windows: 60, scored_windows: 1, warmup_windows: 59 })]);
    const trained = await runCli(['eval', capture, '--labels', labels, `--model.file=${modelFile}`, '--log.format=json']);
    expect(trained.code).toBe(0);
    expect(logLines(trained.stderr).filter((l) => l.level === 'warn')).toEqual([]);
  }, 60_000);
});

describe('netscore demo', () => {
  it('serves anomalies of the synthesised attackers within a minute, then cleans up on SIGTERM', async () => {
    const web = await freePort();
    const before = new Set(readdirSync(tmpdir()).filter((f) => f.startsWith('netscore-demo-')));
    const ns = start(['demo', '--speed=20', `--web.listen-address=127.0.0.1:${web}`, '--log.format=json']);
    try {
      await waitForHttp(`http://127.0.0.1:${web}/healthz`, 40_000);
      // Attackers of the replayed capture (seed 1, as `synth` writes by default).
      const attackers = new Set((JSON.parse(readFileSync(labels, 'utf8')) as { attacks: { attacker_ip: string }[] }).attacks.map((a) => a.attacker_ip));
      const flagged = await waitFor(
        async () => {
          const text = await (await fetch(`http://127.0.0.1:${web}/metrics`)).text();
          const hosts = samples(text, 'netscore_top_host_anomaly_score').map((s) => s.labels.host);
          return hosts.filter((h) => attackers.has(h)).length >= 3 ? hosts : undefined;
        },
        { timeoutMs: 60_000, intervalMs: 1000, what: 'three attackers among the top anomalous hosts' },
      );
      expect(flagged.length).toBeGreaterThan(0);
      const page = await (await fetch(`http://127.0.0.1:${web}/`)).text();
      // The landing page lists incidents; an attacker flagged by now leads one of the 10 newest.
      expect(page).toContain('<h2>Incidents</h2>');
      expect([...attackers].some((a) => page.includes(`<td>${a}`))).toBe(true);
    } finally {
      ns.child.kill('SIGTERM');
    }
    expect(await ns.exit).toBe(0);
    const left = readdirSync(tmpdir()).filter((f) => f.startsWith('netscore-demo-') && !before.has(f));
    expect(left).toEqual([]);
    expect(existsSync(capture)).toBe(true);
  }, 120_000);
});
