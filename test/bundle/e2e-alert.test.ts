/**
 * End to end: two netscore instances replay synthetic captures side by side
 * at real-time speed, one with labelled attacks and one benign only, both
 * scoring with a model trained on other benign traffic. A real Prometheus
 * (shipped rules, 1 s scrapes) scrapes both as job "netscore"; a real
 * Alertmanager (shipped config, smarthost -> local SMTP sink) sends email.
 * Oracles: the synth labels (who attacked), and the benign capture having
 * no attacks; the two instances are told apart by their `instance` label.
 *
 * Timing: the scan starts 128 s into the attack capture, so the attack email
 * comes about 135 s after the start; the benign capture is shorter (120 s),
 * so its checks add no time. NETSCORE_E2E_SPEED replays faster for debugging.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ParsedMail } from 'mailparser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startAlertmanager, startPrometheus, stopAll, type AlertmanagerHandle, type PrometheusHandle } from './prom-harness.js';
import { startReplay, synthesize, trainBenignModel, type NetscoreReplay, type SynthAttack } from './netscore-proc.js';
import { startSmtpSink, type SmtpSink } from './smtp-sink.js';

const SPEED = Number(process.env.NETSCORE_E2E_SPEED ?? 1);
const TIMEOUT_MS = Number(process.env.NETSCORE_E2E_TIMEOUT_MS ?? 180_000);

describe('synthetic traffic -> netscore -> Prometheus -> Alertmanager -> email', () => {
  let dir: string;
  let attacks: SynthAttack[];
  let sink: SmtpSink;
  let am: AlertmanagerHandle;
  let prom: PrometheusHandle;
  let attack: NetscoreReplay;
  let benign: NetscoreReplay;
  let started: number;
  /** The critical email about an attacker seen by the attack instance. */
  let attackMail: Promise<ParsedMail>;

  /** The same failure, with what each part saw. */
  const explain = async (err: unknown): Promise<never> => {
    const alerts = await prom.alerts().catch(() => []);
    throw new Error(
      `${(err as Error).message}\nemails: ${JSON.stringify(sink.messages.map((m) => m.subject))}\nprometheus alerts: ${JSON.stringify(alerts.map((a) => [a.labels.alertname, a.state, a.labels.instance, a.labels.host]))}\nnetscore (attack): ${attack.logs().slice(-2000)}\nnetscore (benign): ${benign.logs().slice(-2000)}`,
    );
  };

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'netscore-e2e-'));
    // A model trained on benign traffic first, so scoring starts with the replay (no warm-up).
    const model = trainBenignModel(dir);
    const a = synthesize(dir, { duration: '240', attacks: 'scan,synflood' });
    const b = synthesize(dir, { duration: '120', attacks: 'none', seed: '2', name: 'benign' });
    attacks = a.attacks;
    sink = await startSmtpSink();
    am = await startAlertmanager({ smtpPort: sink.port });
    [attack, benign] = await Promise.all([startReplay(a.pcap, SPEED, [`--model.file=${model}`]), startReplay(b.pcap, SPEED, [`--model.file=${model}`])]);
    started = Date.now() / 1000;
    prom = await startPrometheus({ target: [attack.address, benign.address], alertmanager: am.address });
    const attackers = attacks.map((x) => x.attacker_ip);
    attackMail = sink.waitForMessage((m) => {
      const subject = m.subject ?? '';
      return subject.startsWith('[CRITICAL]') && subject.endsWith(` seen by ${attack.address}`) && attackers.some((ip) => subject.includes(` ${ip} `));
    }, TIMEOUT_MS);
    // Awaited by the tests; a failure is reported there.
    attackMail.catch(() => undefined);
  }, 120_000);

  afterAll(async () => {
    await stopAll(attack, benign, prom, am, sink);
    rmSync(dir, { recursive: true, force: true });
  });

  it('emails a critical incident about an attacker: which host, against whom, and why', async () => {
    const mail = await attackMail.catch(explain);
    const text = mail.text ?? '';
    const host = /Host:\s+(\S+)/.exec(text)?.[1];
    expect(attacks.some((x) => x.attacker_ip === host), `host ${host} is an attacker`).toBe(true);
    expect(text).toMatch(/Category:\s+(scan|flood)\b/);
    expect(text).toMatch(/Incident:\s+\d+\n/);
    expect(text).toMatch(new RegExp(`Hosts:\\s+[^\\n]*${host!.replaceAll('.', '\\.')}`));
    // Scores lie in (0, 1]; a flood far beyond the baseline prints as 1.000.
    expect(text).toMatch(/Score:\s+(0\.\d{3}|1\.000) /);
    expect(text).toMatch(/Why:\s+[a-z_]+=\S+ \((host \S+, )?median \S+\)/);
    // The victim: the destinations and ports the attacker sent most packets to.
    expect(text).toMatch(/Peers:\s+\S+:\d+ \(\d+ packets\)/);
    expect(text).toMatch(/Dashboard: http:\/\/localhost:3000\/d\/netscore-anomalies\/netscore-anomalies\?var-job=netscore&var-instance=127\.0\.0\.1%3A\d+&var-host=/);
  }, TIMEOUT_MS + 10_000);

  it('sends no anomaly email about benign traffic, which was scraped, scored and evaluated by the same rules', async () => {
    // The plumbing works: the same Prometheus, rules, Alertmanager and SMTP sink delivered the attack email.
    await attackMail.catch(explain);
    expect(await benign.exit, 'the benign replay ran to its end').toBe(0);
    // A few rule evaluations past the last scrape.
    await new Promise((r) => setTimeout(r, 3_000));
    const range = `${Math.ceil(Date.now() / 1000 - started) + 5}s`;
    const instance = `instance="${benign.address}"`;
    const max = async (expr: string) => (await prom.query(`max_over_time(${expr}[${range}])`)).map((s) => Number(s.value[1]));

    // netscore scored the benign traffic with the model from its first window...
    expect(await max(`netscore_model_state{${instance},state="scoring"}`)).toEqual([1]);
    expect((await max(`netscore_windows_scored_total{${instance}}`))[0]).toBeGreaterThan(100);
    // ...Prometheus evaluated the shipped recording rules over it...
    expect((await max(`netscore_instance:windows_scored:rate5m{${instance}}`))[0]).toBeGreaterThan(0);
    expect(await max(`netscore_instance:anomalies:rate5m{${instance}}`)).toEqual([0]);
    // ...and every rule, the anomaly alerts included, evaluated without error after the replays started.
    const groups = (await prom.api<{ groups: { rules: { name: string; type: string; health: string; lastError?: string; lastEvaluation: string }[] }[] }>('rules')).groups;
    const rules = groups.flatMap((g) => g.rules);
    expect(rules.filter((r) => r.type === 'alerting').map((r) => r.name)).toEqual(expect.arrayContaining(['NetscoreIncidentCritical', 'NetscoreIncidentWarning', 'NetscoreAnomalyRateHigh']));
    for (const r of rules) {
      expect({ rule: r.name, health: r.health, lastError: r.lastError ?? '' }).toEqual({ rule: r.name, health: 'ok', lastError: '' });
      expect(Date.parse(r.lastEvaluation) / 1000, r.name).toBeGreaterThan(started);
    }

    // No incident or anomaly alert about the benign instance was ever pending or firing, and no email about one was sent.
    expect(await prom.query(`count_over_time(ALERTS{${instance},alertname=~"Netscore(Incident|Anomaly).*"}[${range}])`)).toEqual([]);
    const aboutBenign = sink.messages.filter((m) => /Alert:\s+Netscore(Incident|Anomaly)/.test(m.text ?? '') && [...(m.text ?? '').matchAll(/Sensor:\s+(\S+)/g)].some((x) => x[1] === benign.address));
    expect(aboutBenign.map((m) => m.subject)).toEqual([]);
  }, TIMEOUT_MS + 10_000);
});
