/**
 * `/api/incidents`, the incident metrics and the anomaly log's incident lines,
 * from a real netscore replaying a synthetic capture with a SYN flood, a scan
 * and a brute force, scored with a model trained on benign synth traffic.
 * Oracles: the synth labels (attackers, victims, types), /api/anomalies and
 * netscore_anomalies_total (every flagged window is in exactly one incident),
 * and the log, which must say what the API says.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Incident } from '../../src/alerts/incidents.js';
import type { Anomaly } from '../../src/model/anomaly.js';
import { startReplay, synthesize, trainBenignModel, type NetscoreReplay, type SynthAttack } from '../bundle/netscore-proc.js';
import { samples, total } from '../cli/spawn.js';
import { waitFor } from '../support/wait-for.js';

/** The incident category of each synth attack type in the capture. */
const CATEGORY: Record<string, string> = { synflood: 'flood', scan: 'scan', bruteforce: 'brute-force' };

let dir: string;
let attacks: SynthAttack[];
let ns: NetscoreReplay;
let base: string;
let logFile: string;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'netscore-incidents-'));
  const model = trainBenignModel(dir, '900');
  // A SYN flood at 21-52 s, a scan at 67 s and a brute force at 81-171 s of 180 s.
  const s = synthesize(dir, { duration: '180', attacks: 'synflood,scan,bruteforce', seed: '3', name: 'incidents' });
  attacks = s.attacks;
  logFile = join(dir, 'anomalies.jsonl');
  ns = await startReplay(s.pcap, 0, [`--model.file=${model}`, '--replay.hold', `--anomaly.log-file=${logFile}`, '--log.level=info']);
  base = `http://${ns.address}`;
  await waitFor(() => ns.logs().includes('replay ended'), { what: 'the replay to end' });
}, 90_000);

afterAll(async () => {
  await ns?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

const json = async <T>(path: string): Promise<T> => {
  const r = await fetch(`${base}${path}`);
  expect([path, r.status]).toEqual([path, 200]);
  return (await r.json()) as T;
};

describe('incidents of a replayed synth capture', () => {
  it('/api/incidents merges every flagged window into one incident per attack, names the attacker, its victim and why', async () => {
    const incidents = await json<Incident[]>('/api/incidents?limit=1000');
    const anomalies = await json<Anomaly[]>('/api/anomalies?limit=1000');
    const metrics = await (await fetch(`${base}/metrics`)).text();
    expect(anomalies.length).toBeGreaterThan(0);
    // Every flagged window is in exactly one incident (nothing was suppressed or dropped here).
    expect(total(metrics, 'netscore_anomalies_suppressed_total')).toBe(0);
    expect(incidents.reduce((n, i) => n + i.windows, 0)).toBe(anomalies.length);
    expect(total(metrics, 'netscore_anomalies_total')).toBe(anomalies.length);
    for (const i of incidents) {
      // The input has ended, so every incident is closed; its windows are its hosts' flagged windows in its time.
      expect(i.state).toBe('closed');
      const own = anomalies.filter((a) => i.hosts.includes(a.host) && a.window_start >= i.start && a.window_end <= i.end);
      expect(own.length, `incident ${i.id}`).toBe(i.windows);
      const peak = own.reduce((m, a) => (a.score > m.score ? a : m));
      expect([i.peak_score, i.peak_host]).toEqual([peak.score, peak.host]);
      expect(own).toContainEqual(expect.objectContaining({ host: i.peak_host, window_start: i.peak_window, score: i.peak_score }));
      expect(i.top_features.length).toBeGreaterThan(0);
      for (const f of i.top_features) expect(f).toEqual({ feature: expect.stringMatching(/^[a-z_]+$/), value: expect.any(Number), median: expect.any(Number), host_baseline: f.host_baseline === null ? null : expect.any(Number), unit: expect.any(String), description: expect.any(String) });
    }
    // Each attacker that was flagged is the host of one incident of its attack's category.
    for (const a of attacks.filter((x) => x.type !== 'scan')) {
      const mine = incidents.filter((i) => i.hosts.includes(a.attacker_ip));
      expect(mine.map((i) => i.category), a.id).toEqual([CATEGORY[a.type]]);
      // A flood or a brute force hammers its victim: it is the incident's top victim and peer, and the incident is critical.
      expect(mine[0].victims[0], a.id).toBe(a.victim_ips[0]);
      expect(mine[0].peers[0].address, a.id).toBe(a.victim_ips[0]);
      expect(mine[0].severity, a.id).toBe('critical');
      // The attack's flagged windows all belong to it.
      expect(mine[0].windows).toBe(anomalies.filter((x) => x.host === a.attacker_ip).length);
    }
    const scanner = attacks.find((x) => x.type === 'scan')!.attacker_ip;
    expect(incidents.filter((i) => i.hosts.includes(scanner)).map((i) => i.category)).toEqual(['scan']);
    // Newest first.
    expect(incidents.map((i) => i.end)).toEqual([...incidents.map((i) => i.end)].sort((x, y) => y - x));
  });

  it('filters like /api/anomalies, by state, and by an address that is a host or a victim; a bad parameter is a one-line 400', async () => {
    const all = await json<Incident[]>('/api/incidents');
    const ids = async (q: string) => (await json<Incident[]>(`/api/incidents${q}`)).map((i) => i.id);
    const flood = attacks.find((x) => x.type === 'synflood')!;
    expect(await ids(`?host=${flood.attacker_ip}`)).toEqual(all.filter((i) => i.hosts.includes(flood.attacker_ip)).map((i) => i.id));
    expect(await ids(`?host=${flood.victim_ips[0]}`)).toEqual(all.filter((i) => i.victims.includes(flood.victim_ips[0])).map((i) => i.id));
    expect(await ids('?category=flood')).toEqual(all.filter((i) => i.category === 'flood').map((i) => i.id));
    expect(await ids('?severity=warning')).toEqual(all.filter((i) => i.severity === 'warning').map((i) => i.id));
    expect(await ids('?state=open')).toEqual([]);
    expect(await ids('?state=closed&limit=1')).toEqual([all[0].id]);
    expect(await ids(`?from=${flood.end_ts}&to=${flood.end_ts}`)).toEqual(all.filter((i) => i.end > flood.end_ts && i.start <= flood.end_ts).map((i) => i.id));
    for (const [q, message] of [
      ['?state=done', 'query parameter "state" must be one of open, closed, got "done"\n'],
      ['?limit=0', 'query parameter "limit" must be an integer of at least 1, got "0"\n'],
      ['?hots=10.0.0.1', 'unknown query parameter "hots" (known: limit, host, category, severity, state, from, to)\n'],
    ]) {
      const r = await fetch(`${base}/api/incidents${q}`);
      expect([q, r.status, await r.text()]).toEqual([q, 400, message]);
    }
  });

  it('counts incidents by final category and severity, none open, every combination exposed from start', async () => {
    const incidents = await json<Incident[]>('/api/incidents?limit=1000');
    const metrics = await (await fetch(`${base}/metrics`)).text();
    const closed = samples(metrics, 'netscore_incidents_total');
    expect(closed).toHaveLength(16);
    for (const s of closed) expect(s.value, JSON.stringify(s.labels)).toBe(incidents.filter((i) => i.category === s.labels.category && i.severity === s.labels.severity).length);
    expect(samples(metrics, 'netscore_incidents_open').map((s) => s.value)).toEqual(new Array(16).fill(0));
    expect(samples(metrics, 'netscore_top_incident_score')).toEqual([]);
    expect(samples(metrics, 'netscore_incidents_evicted_total').map((s) => [s.labels.table, s.value])).toEqual([
      ['open', 0],
      ['closed', 0],
    ]);
  });

  it('logs each incident opening and closing in the anomaly log, after the window that opened it, as the API has it', async () => {
    const incidents = await json<Incident[]>('/api/incidents?limit=1000');
    await ns.stop();
    const lines = readFileSync(logFile, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    for (const i of incidents) {
      const events = lines.flatMap((l, at) => (l.id === i.id && typeof l.event === 'string' ? [{ at, line: l }] : []));
      expect(events[0].line.event).toBe('incident_open');
      expect(events.at(-1)!.line.event).toBe('incident_close');
      expect(events.slice(1, -1).every((e) => e.line.event === 'incident_update')).toBe(true);
      // The line before the opening is the anomaly that opened it.
      expect(lines[events[0].at - 1]).toMatchObject({ host: i.hosts[0], window_start: i.start });
      const { event, ...closedAs } = events.at(-1)!.line;
      expect(closedAs).toEqual({ ...i, top_features: i.top_features.map(({ unit, description, ...f }: Incident['top_features'][number] & { unit?: string; description?: string }) => f) });
    }
    // Anomaly lines are the windows, as before: one per flagged window.
    expect(lines.filter((l) => l.event === undefined)).toHaveLength(incidents.reduce((n, i) => n + i.windows, 0));
  });
});
