/**
 * Detection on ../shared/labelled/loopback-a, a scenario made with other
 * tools (nmap, hping3, Python clients and servers) and trained on its
 * benign baseline only: the issue #15 targets. The beacon goes to an
 * internal address every 5 s; only the host history and the destination's
 * prevalence make it stand out from the monitoring agent's polls.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { type EvalLabels, type EvalReport, evaluate } from '../../src/eval/evaluate.js';
import { type EvalDetectorOptions, scoreRun, trainModel } from '../../src/eval/scenario.js';

const DIR = path.resolve(import.meta.dirname, '..', '..', '..', 'shared', 'labelled', 'loopback-a');

describe('loopback-a, trained on its baseline only', () => {
  let report: EvalReport;
  let heavier: EvalReport;

  beforeAll(async () => {
    const labels = JSON.parse(readFileSync(path.join(DIR, 'labels-a.json'), 'utf8')) as EvalLabels;
    const run = async (options: EvalDetectorOptions): Promise<EvalReport> => {
      const model = await trainModel([path.join(DIR, 'baseline-a.pcap.gz')], options);
      return evaluate((await scoreRun(model, path.join(DIR, 'scenario-a.pcap.gz'), options)).rows, labels);
    };
    report = await run({});
    heavier = await run({ tail: 'heavier' });
  }, 120_000);

  it('reaches AUC 0.98 and flags fewer benign host-windows than the 3 of 241 before host baselines', () => {
    expect(report.auc).toBeGreaterThanOrEqual(0.98);
    // Issue #15's target is at most 0.5% (1 window); see docs/detection.md for what remains.
    expect(report.benignFlagged).toBeLessThanOrEqual(2);
  });

  it('detects every attack type, and the internal beacon in at least 80% of its windows (12 of 15 reached; #15 asks 70%)', () => {
    for (const [type, r] of Object.entries(report.perType)) expect(r.detected, type).toBeGreaterThan(0);
    expect(report.perType.beacon.recall).toBeGreaterThanOrEqual(0.8);
  });

  it('meets the 0.5 % benign target with the `heavier` tail (1 of 241: the mail relay\'s NXDOMAIN window), losing no attack window', () => {
    // The backup host's 73 MB window (0.858) stays under the heavier threshold (0.900), the exfiltration (2 of 2) does not.
    expect(heavier.auc).toBeGreaterThanOrEqual(0.98);
    expect(heavier.benignFlagged).toBeLessThanOrEqual(1);
    for (const [type, r] of Object.entries(report.perType)) expect(heavier.perType[type].detected, type).toBe(r.detected);
  });
});
