import { describe, expect, it } from 'vitest';
import { evaluate } from './evaluate.js';
import type { ScoredWindow } from './evaluate.js';
import { formatReport } from './format-report.js';

const labels = {
  evaluation: { window_s: 10 },
  attacks: [
    { id: 'a1', type: 'scan', attacker_ip: '10.0.0.9', victim_ips: ['10.0.1.1'], start_ts: 105, end_ts: 125 },
    { id: 'a2', type: 'beacon', attacker_ip: '10.0.0.7', victim_ips: ['198.51.100.1'], start_ts: 100, end_ts: 200 },
  ],
};

const row = (windowStart: number, host: string, score: number, flagged: boolean, category?: string): ScoredWindow => ({ windowStart, host, score, flagged, category });

describe('evaluate', () => {
  it('splits pairs into attack, victim and benign by host and window overlap', () => {
    const r = evaluate(
      [
        row(90, '10.0.0.9', 0.4, false), // before the scan: benign
        row(100, '10.0.0.9', 0.9, true, 'scan'), // [100,110) overlaps [105,125]
        row(120, '10.0.0.9', 0.8, true, 'flood'),
        row(130, '10.0.0.9', 0.3, false), // after: benign
        row(110, '10.0.1.1', 0.95, true), // victim during the scan
        row(140, '10.0.1.1', 0.2, false), // victim after: benign
        row(150, '10.0.0.7', 0.6, false), // beacon pair, missed
        row(150, '10.0.0.5', 0.7, true, 'other'), // benign false alarm
      ],
      labels,
    );
    expect(r).toMatchObject({ windowSeconds: 10, windows: 8, attackWindows: 3, victimWindows: 1, benignWindows: 4, benignFlagged: 1 });
    expect(r.falsePositiveRate).toBe(0.25);
    expect(r.benignFlaggedByHost).toEqual({ '10.0.0.5': 1 });
    expect(r.perType.scan).toEqual({ windows: 2, detected: 2, recall: 1, categories: { scan: 1, flood: 1 }, expected: 'scan', named: 1 });
    expect(r.perType.beacon).toEqual({ windows: 1, detected: 0, recall: 0, categories: {}, expected: 'beacon', named: 0 });
    // Positives 0.9, 0.8, 0.6 against negatives 0.4, 0.3, 0.2, 0.7: 4 + 4 + 3 wins of 12.
    expect(r.auc).toBeCloseTo(11 / 12, 12);
  });

  it('treats windows that only touch an attack at an instant as benign, but not an instantaneous attack', () => {
    const r = evaluate([row(95, '10.0.0.9', 0.5, false), row(125, '10.0.0.9', 0.5, false)], labels);
    // [95,105) ends as the scan starts at 105; [125,135) starts as it ends at 125.
    expect(r.benignWindows).toBe(2);
    expect(r.perType.scan.windows).toBe(0);
    const instant = { evaluation: { window_s: 10 }, attacks: [{ id: 'a', type: 'scan', attacker_ip: '10.0.0.9', victim_ips: [], start_ts: 130, end_ts: 130 }] };
    expect(evaluate([row(130, '10.0.0.9', 0.5, false), row(120, '10.0.0.9', 0.5, false)], instant).perType.scan.windows).toBe(1);
  });

  it('reports NaN recall for an attack type without scored windows and formats it', () => {
    const r = evaluate([row(0, '10.0.0.5', 0.5, false)], labels);
    expect(r.perType.scan.recall).toBeNaN();
    expect(r.auc).toBeNaN();
    const text = formatReport(r);
    expect(text).toMatch(/^scan\s+0\s+0\s+-\s+scan\s+0\s+-$/m);
    expect(text).toContain('FPR 0.00%');
  });

  it('names the category each attack type should raise, wide types and unknown ones included', () => {
    const wide = {
      evaluation: { window_s: 10 },
      attacks: [
        { id: 'w1', type: 'jitterbeacon', attacker_ip: '10.0.0.3', victim_ips: ['10.0.1.200'], start_ts: 100, end_ts: 200 },
        { id: 'w2', type: 'slowbruteforce', attacker_ip: '10.0.0.4', victim_ips: ['10.0.1.22'], start_ts: 100, end_ts: 200 },
        { id: 'w3', type: 'made-up', attacker_ip: '10.0.0.6', victim_ips: [], start_ts: 100, end_ts: 200 },
      ],
    };
    const r = evaluate([row(100, '10.0.0.3', 0.9, true, 'beacon'), row(110, '10.0.0.3', 0.9, true, 'other'), row(100, '10.0.0.4', 0.9, true, 'scan'), row(100, '10.0.0.6', 0.9, true, 'scan')], wide);
    expect(r.perType.jitterbeacon).toMatchObject({ detected: 2, expected: 'beacon', named: 1 });
    expect(r.perType.slowbruteforce).toMatchObject({ detected: 1, expected: 'brute-force', named: 0 });
    expect(r.perType['made-up'].expected).toBeUndefined();
    expect(formatReport(r)).toMatch(/^made-up\s+1\s+1\s+1\.000\s+-\s+-\s+scan:1$/m);
  });

  it('formats one line per attack type with recall and categories', () => {
    const r = evaluate([row(100, '10.0.0.9', 0.9, true, 'scan'), row(100, '10.0.0.5', 0.1, false)], labels);
    expect(formatReport(r)).toMatch(/^scan\s+1\s+1\s+1\.000\s+scan\s+1\s+scan:1$/m);
    expect(formatReport(r)).toContain('ROC AUC: 1.0000');
  });
});
