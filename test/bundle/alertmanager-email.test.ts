/**
 * The shipped Alertmanager config and email template, run for real:
 * prometheus-alertmanager (temp copy of prometheus/alertmanager.yml with its
 * smarthost pointed at a local SMTP sink) receives alerts shaped like the
 * ones prometheus/rules/netscore-alerts.yml produces.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ParsedMail } from 'mailparser';
import { waitFor } from '../support/wait-for.js';
import { startAlertmanager, stopAll, type AlertmanagerHandle } from './prom-harness.js';
import { startSmtpSink, type SmtpSink } from './smtp-sink.js';

const critical = {
  labels: {
    alertname: 'NetscoreIncidentCritical',
    severity: 'critical',
    job: 'netscore',
    instance: 'sensor1:10811',
    incident: '7',
    host: '10.0.0.66',
    category: 'scan',
  },
  annotations: {
    summary: 'scan from 10.0.0.66 (incident 7, score 0.91) seen by sensor1:10811',
    description: 'netscore opened incident 7: traffic from 10.0.0.66 classified as scan, against 192.0.2.80:22 (40 packets), 192.0.2.80:23 (38 packets).',
    score: '0.910',
    incident: '7',
    hosts: '10.0.0.66, 10.0.0.67',
    top_features: 'dst_ports=812 (host 3, median 3), failed_share=0.98 (host 0.01, median 0)',
    peers: '192.0.2.80:22 (40 packets), 192.0.2.80:23 (38 packets)',
    dashboard: 'http://localhost:3000/d/netscore-anomalies/netscore-anomalies?var-job=netscore&var-instance=sensor1%3A10811&var-host=10.0.0.66',
  },
  generatorURL: 'http://prometheus.example:9090/graph?g0.expr=netscore_top_incident_score',
};

function subjectOf(m: ParsedMail): string {
  return m.subject ?? '';
}

describe('alert email (real Alertmanager + SMTP sink)', () => {
  let sink: SmtpSink;
  let am: AlertmanagerHandle;

  beforeAll(async () => {
    sink = await startSmtpSink();
    am = await startAlertmanager({
      smtpPort: sink.port,
      // Only so that the resolved notification of a critical alert arrives
      // within the test timeout; everything else is the shipped config.
      transform: (cfg) => {
        for (const r of cfg.route.routes) if (r.receiver === 'netscore-critical') r.group_interval = '2s';
      },
    });
  });

  afterAll(async () => {
    await stopAll(am, sink);
  });

  it('sends a critical incident at once, readable: host, its other hosts, score, why, peers, dashboard link', async () => {
    const t0 = Date.now();
    await am.postAlerts([critical]);
    const mail = await sink.waitForMessage((m) => subjectOf(m).includes('10.0.0.66'), 20_000);
    // group_wait 0s for critical: well under the 30s default
    expect(Date.now() - t0).toBeLessThan(10_000);

    expect(subjectOf(mail)).toBe('[CRITICAL] scan from 10.0.0.66 (incident 7, score 0.91) seen by sensor1:10811');
    const to = Array.isArray(mail.to) ? mail.to : [mail.to];
    expect(to.map((a) => a?.text)).toContain('oncall@example.com');

    const text = mail.text ?? '';
    expect(text).toContain('FIRING: NetscoreIncidentCritical on sensor1:10811, host 10.0.0.66');
    expect(text).toMatch(/Host:\s+10\.0\.0\.66\n/);
    expect(text).toMatch(/Hosts:\s+10\.0\.0\.66, 10\.0\.0\.67\n/);
    expect(text).toMatch(/Incident:\s+7\n/);
    expect(text).toMatch(/Category:\s+scan/);
    expect(text).toMatch(/Score:\s+0\.910 {2}\(0\.\.1, higher = more anomalous\)/);
    expect(text).toMatch(/Why:\s+dst_ports=812 \(host 3, median 3\), failed_share=0\.98 \(host 0\.01, median 0\)/);
    expect(text).toMatch(/Peers:\s+192\.0\.2\.80:22 \(40 packets\), 192\.0\.2\.80:23 \(38 packets\)/);
    expect(text).toContain(`Dashboard: ${critical.annotations.dashboard}`);
    expect(text).toContain(`${am.url}/#/silences/new?filter=%7B`);

    const html = typeof mail.html === 'string' ? mail.html : '';
    expect(html).toContain('10.0.0.66');
    expect(html).toContain('dst_ports=812 (host 3, median 3)');
    expect(html).toMatch(/>Hosts<\/td><td>10\.0\.0\.66, 10\.0\.0\.67</);
    expect(html).toMatch(/>Peers<\/td><td>192\.0\.2\.80:22 \(40 packets\), 192\.0\.2\.80:23 \(38 packets\)</);
    // html/template escapes & in URLs as &amp;
    expect(html).toContain(`href="${critical.annotations.dashboard.replaceAll('&', '&amp;')}"`);
    expect(html).toContain('#c62828'); // critical header colour
  });

  it('sends a resolved notification (send_resolved: true)', async () => {
    await am.postAlerts([{ ...critical, endsAt: new Date(Date.now() - 1000).toISOString() }]);
    const mail = await sink.waitForMessage((m) => subjectOf(m).startsWith('[RESOLVED]'), 30_000);
    expect(subjectOf(mail)).toBe('[RESOLVED] scan from 10.0.0.66 (incident 7, score 0.91) seen by sensor1:10811');
    expect(mail.text ?? '').toContain('=== Resolved (1) ===');
  });

  it('NetscoreExporterDown inhibits the other alerts of the same instance only', async () => {
    const base = { job: 'netscore', severity: 'critical' };
    await am.postAlerts([
      { labels: { ...base, alertname: 'NetscoreExporterDown', instance: 'sensor9:10811' }, annotations: { summary: 'down' } },
      { labels: { ...base, alertname: 'NetscoreCaptureDown', instance: 'sensor9:10811', interface: 'eth0' }, annotations: { summary: 'capture down' } },
      { labels: { ...base, alertname: 'NetscoreCaptureDown', instance: 'sensor8:10811', interface: 'eth0' }, annotations: { summary: 'capture down' } },
    ]);
    const states = await waitFor(
      async () => {
        const alerts = await am.alerts();
        const pick = (name: string, inst: string) => alerts.find((a) => a.labels.alertname === name && a.labels.instance === inst)?.status.state;
        const s = {
          down9: pick('NetscoreExporterDown', 'sensor9:10811'),
          capture9: pick('NetscoreCaptureDown', 'sensor9:10811'),
          capture8: pick('NetscoreCaptureDown', 'sensor8:10811'),
        };
        return s.down9 && s.capture9 && s.capture8 ? s : undefined;
      },
      { timeoutMs: 10_000, what: 'alerts listed' },
    );
    expect(states).toEqual({ down9: 'active', capture9: 'suppressed', capture8: 'active' });
  });
});
