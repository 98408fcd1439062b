import { describe, expect, it } from 'vitest';
import type { Peer } from '../features/peer-table.js';
import type { Anomaly, AnomalyCategory, Severity } from '../model/anomaly.js';
import { type Incident, type IncidentEvent, type IncidentOptions, Incidents, incidentSeverity } from './incidents.js';

const W = 10;

/** A flagged window of `host` starting at `start` with the given peers. */
function a(start: number, host: string, score: number, peers: Peer[] = [], category: AnomalyCategory = 'scan', severity: Severity = 'warning'): Anomaly {
  return {
    window_start: start,
    window_end: start + W,
    host,
    score,
    threshold: 0.5,
    category,
    severity,
    top_features: [{ feature: 'dst_ports', value: 800 + start, median: 3 }],
    peers,
    model_generation: 1,
  };
}

const to = (address: string, port: number, packets: number): Peer => ({ address, port, packets });

/**
 * Feeds windows in window order, closing each window after its anomalies as
 * the scoring stage does, then closes the rest; returns the incidents and the events.
 */
function run(windows: Anomaly[][], opts: Partial<IncidentOptions> = {}): { incidents: Incident[]; events: [IncidentEvent, number][]; tracker: Incidents } {
  const tracker = new Incidents({ windowSeconds: W, gapWindows: 1, maxOpen: 100, maxClosed: 100, hostBaseline: () => undefined, ...opts });
  const events: [IncidentEvent, number][] = [];
  tracker.onEvent((e, i) => events.push([e, i.id]));
  for (const [k, w] of windows.entries()) {
    for (const x of w) tracker.observe(x);
    tracker.windowClosed(k * W);
  }
  return { incidents: tracker.list().sort((x, y) => x.id - y.id), events, tracker };
}

describe('Incidents', () => {
  it('merges consecutive windows of one host, across a gap of one window, and splits at a longer gap', () => {
    // Host A flagged in windows 0, 1, 3 (one unflagged window between), then 6 (two unflagged windows between).
    const { incidents, events } = run([[a(0, 'A', 0.7)], [a(10, 'A', 0.9)], [], [a(30, 'A', 0.8)], [], [], [a(60, 'A', 0.75)], [], []]);
    expect(incidents.map(({ id, state, start, end, windows, hosts, peak_score, peak_window }) => ({ id, state, start, end, windows, hosts, peak_score, peak_window }))).toEqual([
      { id: 1, state: 'closed', start: 0, end: 40, windows: 3, hosts: ['A'], peak_score: 0.9, peak_window: 10 },
      { id: 2, state: 'closed', start: 60, end: 70, windows: 1, hosts: ['A'], peak_score: 0.75, peak_window: 60 },
    ]);
    // Incident 1 closes once window 5 (start 50 = its end 40 + one window) has closed, before incident 2 opens.
    expect(events).toEqual([['open', 1], ['close', 1], ['open', 2], ['close', 2]]);
  });

  it('with no gap allowed, one unflagged window splits; with a gap of 2, two do not', () => {
    const seq = [[a(0, 'A', 0.7)], [], [a(20, 'A', 0.7)], [], [], [a(50, 'A', 0.7)], []];
    expect(run(seq, { gapWindows: 0 }).incidents.map((i) => i.windows)).toEqual([1, 1, 1]);
    expect(run(seq, { gapWindows: 1 }).incidents.map((i) => i.windows)).toEqual([2, 1]);
    expect(run(seq, { gapWindows: 2 }).incidents.map((i) => i.windows)).toEqual([3]);
  });

  it('merges a scanner and then a brute-forcer against the same victim; the incident names both hosts and the victim', () => {
    const victim = '192.0.2.80';
    const { incidents, events } = run([
      [a(0, '10.0.0.66', 0.8, [to(victim, 22, 40), to(victim, 23, 38)], 'scan')],
      [a(10, '10.0.0.66', 0.85, [to(victim, 22, 41), to(victim, 80, 39)], 'scan')],
      [a(20, '10.0.0.77', 0.95, [to(victim, 22, 300), to('10.0.0.53', 53, 4)], 'brute-force', 'critical')],
      [a(30, '10.0.0.77', 0.9, [to(victim, 22, 280)], 'brute-force')],
      [],
      [],
    ]);
    expect(incidents).toHaveLength(1);
    const [i] = incidents;
    expect(i).toMatchObject({ start: 0, end: 40, windows: 4, hosts: ['10.0.0.66', '10.0.0.77'], category: 'brute-force', severity: 'critical', peak_host: '10.0.0.77', peak_score: 0.95 });
    expect(i.victims).toEqual([victim, '10.0.0.53']);
    expect(i.peers[0]).toEqual({ address: victim, port: 22, packets: 40 + 41 + 300 + 280 });
    // Opened as a warning scan; the brute-forcer changed the hosts, category and severity.
    expect(events).toEqual([['open', 1], ['update', 1], ['close', 1]]);
  });

  it('merges several sources hitting one victim in the same windows, and the victim\'s own flagged window', () => {
    const v = '2001:db8::80';
    const { incidents } = run([
      [a(0, '203.0.113.1', 0.8, [to(v, 443, 900)], 'flood'), a(0, '203.0.113.2', 0.7, [to(v, 443, 800)], 'flood'), a(0, '203.0.113.3', 0.75, [to(v, 443, 700)], 'flood')],
      // The victim's row is flagged for its fan-in; its top peers are its attackers.
      [a(10, v, 0.99, [to('203.0.113.9', 1234, 50)], 'flood', 'critical')],
      [],
      [],
    ]);
    expect(incidents).toHaveLength(1);
    expect(incidents[0]).toMatchObject({ windows: 4, hosts: ['203.0.113.1', '203.0.113.2', '203.0.113.3', v], category: 'flood', severity: 'critical', peak_host: v });
  });

  it('keeps unrelated hosts apart: other victims, or a related window after the incident closed', () => {
    const { incidents } = run([
      [a(0, 'A', 0.8, [to('192.0.2.1', 22, 100)]), a(0, 'B', 0.8, [to('192.0.2.2', 22, 100)])],
      // A minor peer (below half of the top peer's packets) is no target.
      [a(10, 'C', 0.8, [to('192.0.2.3', 80, 100), to('192.0.2.1', 22, 10)])],
      [],
      [],
      [a(40, 'D', 0.8, [to('192.0.2.1', 22, 100)])],
      [],
      [],
    ]);
    expect(incidents.map((i) => [i.hosts, i.windows])).toEqual([
      [['A'], 1],
      [['B'], 1],
      [['C'], 1],
      [['D'], 1],
    ]);
  });

  it('takes the category of the highest-scoring window that is not other, and explains the peak with the host\'s own baseline', () => {
    const baseline = new Map([['A dst_ports', 4]]);
    const { incidents } = run([[a(0, 'A', 0.9, [], 'other')], [a(10, 'A', 0.6, [], 'beacon')], [a(20, 'A', 0.7, [], 'beacon')], [], []], {
      hostBaseline: (host, feature) => baseline.get(`${host} ${feature}`),
    });
    expect(incidents[0]).toMatchObject({ category: 'beacon', severity: 'warning', peak_score: 0.9, top_features: [{ feature: 'dst_ports', value: 800, median: 3, host_baseline: 4 }] });
  });

  it('closes the least recently active open incident early when the open table is full, and forgets the oldest closed one past its cap', () => {
    const { incidents, tracker } = run([[a(0, 'A', 0.8), a(0, 'B', 0.8)], [a(10, 'A', 0.8)], [a(20, 'C', 0.8)], [], [], []], { maxOpen: 2, maxClosed: 2 });
    // C opened while A (joinable until 30) and B (until 20) were open: B was closed early, then forgotten.
    expect(tracker.closedEarly).toBe(1);
    expect(tracker.forgotten).toBe(1);
    expect(incidents.map((i) => i.hosts[0])).toEqual(['A', 'C']);
  });

  it('lists open incidents before closed ones, newest first, and ranks open ones critical first', () => {
    const { tracker } = run([[a(0, 'A', 0.8)], [], [], [a(30, 'B', 0.7, [], 'scan', 'critical'), a(30, 'C', 0.9)]]);
    expect(tracker.list().map((i) => [i.hosts[0], i.state])).toEqual([
      ['C', 'open'],
      ['B', 'open'],
      ['A', 'closed'],
    ]);
    expect(tracker.ranked().map((i) => i.hosts[0])).toEqual(['B', 'C']);
    tracker.closeAll();
    expect(tracker.list().every((i) => i.state === 'closed')).toBe(true);
    expect([...tracker.closedCounts].reduce((x, y) => x + y)).toBe(3);
  });
});

describe('incidentSeverity', () => {
  it('rises with category, peak, duration and spread; other is never critical', () => {
    expect(incidentSeverity('scan', false, 10, 1, 1)).toBe('warning');
    expect(incidentSeverity('scan', true, 10, 1, 1)).toBe('critical');
    expect(incidentSeverity('scan', false, 300, 1, 1)).toBe('critical');
    expect(incidentSeverity('scan', false, 10, 2, 1)).toBe('critical');
    expect(incidentSeverity('flood', false, 10, 1, 5)).toBe('critical');
    expect(incidentSeverity('beacon', false, 299, 1, 1)).toBe('warning');
    expect(incidentSeverity('beacon', false, 300, 1, 1)).toBe('warning');
    expect(incidentSeverity('beacon', false, 1800, 1, 1)).toBe('critical');
    expect(incidentSeverity('exfiltration', false, 300, 1, 5)).toBe('critical');
    expect(incidentSeverity('other', true, 86400, 50, 50)).toBe('warning');
  });
});
