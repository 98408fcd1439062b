/**
 * End to end: netscore replays a synthetic capture with labelled attacks,
 * a real Prometheus (shipped rules) scrapes it every second, a real
 * Alertmanager (shipped config, smarthost -> local SMTP sink) sends the email.
 * Oracle: a [CRITICAL] email arrives whose host is one of the attackers in
 * the synth labels, with score, top features and a dashboard link.
 *
 * Timing: netscore warms up on the first 600 s of packet time, so the capture
 * is 900 s long and is replayed at NETSCORE_E2E_SPEED (default 30x, ~30 s).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startAlertmanager, startPrometheus, stopAll, type AlertmanagerHandle, type PrometheusHandle } from './prom-harness.js';
import { startReplay, synthesize, trainBenignModel, type NetscoreReplay, type SynthAttack } from './netscore-proc.js';
import { startSmtpSink, type SmtpSink } from './smtp-sink.js';

const SPEED = Number(process.env.NETSCORE_E2E_SPEED ?? 1);
const TIMEOUT_MS = Number(process.env.NETSCORE_E2E_TIMEOUT_MS ?? 180_000);

describe('synthetic attack -> netscore -> Prometheus -> Alertmanager -> email', () => {
  let dir: string;
  let attacks: SynthAttack[];
  let sink: SmtpSink;
  let am: AlertmanagerHandle;
  let prom: PrometheusHandle;
  let ns: NetscoreReplay;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'netscore-e2e-'));
    // A model trained on benign traffic first, so scoring starts with the replay (no warm-up).
    const model = trainBenignModel(dir);
    const s = synthesize(dir, { duration: '240', attacks: 'scan,synflood' });
    attacks = s.attacks;
    sink = await startSmtpSink();
    am = await startAlertmanager({ smtpPort: sink.port });
    ns = await startReplay(s.pcap, SPEED, [`--model.file=${model}`]);
    prom = await startPrometheus({ target: ns.address, alertmanager: am.address });
  }, 120_000);

  afterAll(async () => {
    await stopAll(ns, prom, am, sink);
    rmSync(dir, { recursive: true, force: true });
  });

  it('emails a critical anomaly about an attacker', async () => {
    const attackers = new Set(attacks.map((a) => a.attacker_ip));
    let mail;
    try {
      mail = await sink.waitForMessage((m) => (m.subject ?? '').startsWith('[CRITICAL]') && [...attackers].some((ip) => (m.subject ?? '').includes(` ${ip} `)), TIMEOUT_MS);
    } catch (err) {
      const alerts = await prom.alerts().catch(() => []);
      throw new Error(`${(err as Error).message}\nemails: ${JSON.stringify(sink.messages.map((m) => m.subject))}\nprometheus alerts: ${JSON.stringify(alerts.map((a) => [a.labels.alertname, a.state, a.labels.host]))}\nnetscore: ${ns.logs().slice(-2000)}`);
    }
    const text = mail.text ?? '';
    const host = /Host:\s+(\S+)/.exec(text)?.[1];
    expect(attackers.has(host ?? ''), `host ${host} is an attacker`).toBe(true);
    expect(text).toMatch(/Category:\s+(scan|flood)\b/);
    // Scores lie in (0, 1]; a flood far beyond the baseline prints as 1.000.
    expect(text).toMatch(/Score:\s+(0\.\d{3}|1\.000) /);
    expect(text).toMatch(/Why:\s+\S+=/);
    expect(text).toMatch(/Dashboard: http:\/\/localhost:3000\/d\/netscore-anomalies\/netscore-anomalies\?var-job=netscore&var-instance=127\.0\.0\.1%3A\d+&var-host=/);
  }, TIMEOUT_MS + 10_000);
});
