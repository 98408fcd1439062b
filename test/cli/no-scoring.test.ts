/**
 * `--no-scoring`: netscore as a traffic and flow exporter. Oracles: tshark's
 * counts (MANIFEST.csv), the families a scoring replay of the same file
 * exposes, and the scoring options' outputs (which must not appear).
 */
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pino } from 'pino';
import { afterAll, describe, expect, it } from 'vitest';
import { OPTIONS, resolveOptions } from '../../src/cli/options.js';
import { replayFiles } from '../../src/cli/replay.js';
import { PROMETHEUS_TEXT, render } from '../../src/metrics/exposition.js';
import { startReplay } from '../bundle/netscore-proc.js';
import { loadManifest, PCAPS, reference } from '../oracle/manifest.js';

/** DNS and HTTP over IPv4 and IPv6, with ARP: 136 packets over 6.4 s. */
const FILE = 'benign/web-browse-wikipedia.pcap';
/** The families of the features, model and anomaly stages (src/metrics/scoring-collector.ts). */
const SCORING_FAMILIES = [
  'netscore_hosts_tracked', 'netscore_hosts_max', 'netscore_hosts_untracked_total', 'netscore_windows_scored_total', 'netscore_anomaly_score',
  'netscore_anomalies_total', 'netscore_anomalies_suppressed_total', 'netscore_anomalies_one_sided_total', 'netscore_model_state', 'netscore_model_generation', 'netscore_model_last_trained_timestamp_seconds',
  'netscore_model_training_samples', 'netscore_model_threshold', 'netscore_window_feature', 'netscore_top_host_anomaly_score',
  'netscore_anomaly_log_lines_lost_total', 'netscore_model_online', 'netscore_model_retrain_interval_seconds', 'netscore_model_warmup_seconds',
  'netscore_model_warmup_learnt_seconds', 'netscore_window_close_duration_seconds', 'netscore_incidents_open', 'netscore_incidents_total',
  'netscore_incidents_evicted_total', 'netscore_top_incident_score', 'netscore_incident_baseline_hosts', 'netscore_incident_baseline_hosts_evicted_total',
  'netscore_host_baselines_evicted_total', 'netscore_host_history_evicted_total', 'netscore_history_held_back_total',
  'netscore_history_first_sightings_overwritten_total',
];

/** Names of the netscore_ families of an exposition. */
function families(text: string): Set<string> {
  return new Set([...text.matchAll(/^# TYPE (netscore_\w+) /gm)].map((m) => m[1]));
}

const dir = mkdtempSync(path.join(tmpdir(), 'netscore-no-scoring-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('replay --no-scoring', () => {
  it('serves traffic and flow metrics without the scoring families, an empty /api/anomalies and a landing page that says so; counts equal tshark', async () => {
    const logFile = path.join(dir, 'anomalies.jsonl');
    // Scoring options with values that would fail if they were read (no such model file) are ignored.
    const ns = await startReplay(path.join(PCAPS, FILE), 1, ['--no-scoring', '--summary', '--log.level=error', '--model.file=/nonexistent/model.json', `--anomaly.log-file=${logFile}`]);
    try {
      const base = `http://${ns.address}`;
      const text = await (await fetch(`${base}/metrics`)).text();
      const got = families(text);
      for (const name of ['netscore_packets_total', 'netscore_bytes_total', 'netscore_flows_total', 'netscore_flows_active']) expect(got).toContain(name);
      for (const name of SCORING_FAMILIES) expect(got).not.toContain(name);
      const api = await fetch(`${base}/api/anomalies?limit=5`);
      expect(api.status).toBe(200);
      expect(await api.json()).toEqual([]);
      expect((await fetch(`${base}/api/anomalies?limit=x`)).status).toBe(400);
      expect(await (await fetch(`${base}/api/incidents`)).json()).toEqual([]);
      expect(await (await fetch(`${base}/`)).text()).toContain('Scoring is off');
      expect(await ns.exit).toBe(0);
    } finally {
      await ns.stop();
    }
    const summary = JSON.parse(ns.logs());
    const want = reference(loadManifest().find((m) => m.path === FILE)!);
    expect({ packets: summary.packets, bytes: summary.bytes, vlan: summary.vlan_tagged, ...Object.fromEntries(Object.entries(summary.outer).map(([k, v]) => [`outer_${k}`, v])) }).toEqual(want);
    expect(existsSync(logFile)).toBe(false);
  }, 60_000);

  it('drops exactly the scoring families and keeps every count, when turned off in the config file', async () => {
    const config = path.join(dir, 'netscore.yml');
    writeFileSync(config, 'scoring: false\n');
    const silent = pino({ level: 'silent' });
    const files = [path.join(PCAPS, FILE)];
    const on = await replayFiles(files, resolveOptions(OPTIONS, {}, {}), silent);
    const off = await replayFiles(files, resolveOptions(OPTIONS, { 'config.file': config }, {}), silent);
    const onFamilies = families(await render(on.registry, PROMETHEUS_TEXT));
    const offFamilies = families(await render(off.registry, PROMETHEUS_TEXT));
    expect([...onFamilies].filter((f) => !offFamilies.has(f)).sort()).toEqual([...SCORING_FAMILIES].sort());
    expect([...offFamilies].filter((f) => !onFamilies.has(f))).toEqual([]);
    expect({ ...off.summary, elapsed_seconds: 0 }).toEqual({ ...on.summary, elapsed_seconds: 0 });
  });
});
