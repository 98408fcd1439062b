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
const BASELINE = path.join(DIR, 'baseline-a.pcap.gz');
const SCENARIO = path.join(DIR, 'scenario-a.pcap.gz');

describe('loopback-a, trained on its baseline only', () => {
  let report: EvalReport;
  let exponential: EvalReport;
  let threshold: number;

  beforeAll(async () => {
    const labels = JSON.parse(readFileSync(path.join(DIR, 'labels-a.json'), 'utf8')) as EvalLabels;
    const run = async (options: EvalDetectorOptions): Promise<{ report: EvalReport; threshold: number }> => {
      const model = await trainModel([BASELINE], options);
      return { report: evaluate((await scoreRun(model, SCENARIO, options)).rows, labels), threshold: model.threshold };
    };
    ({ report, threshold } = await run({}));
    ({ report: exponential } = await run({ tail: 'exponential' }));
  }, 120_000);

  it('reaches AUC 0.98 and flags at most 1 of 241 benign host-windows (#15: 0.5 %)', () => {
    expect(report.auc).toBeGreaterThanOrEqual(0.98);
    expect(report.benignWindows).toBe(241);
    // The mail relay's NXDOMAIN window; the backup host's 73 MB window (0.858) stays under the `heavier` threshold (0.900).
    expect(report.benignFlagged).toBeLessThanOrEqual(1);
    // The exponential tail (0.839) flags both.
    expect(exponential.benignFlagged).toBe(2);
  });

  it('detects every attack type, and the internal beacon in at least 80% of its windows (12 of 15 reached; #15 asks 70%)', () => {
    for (const [type, r] of Object.entries(report.perType)) expect(r.detected, type).toBeGreaterThan(0);
    expect(report.perType.beacon.recall).toBeGreaterThanOrEqual(0.8);
  });

  it('loses no attack window to the `heavier` tail', () => {
    for (const [type, r] of Object.entries(exponential.perType)) expect(report.perType[type].detected, type).toBe(r.detected);
  });

  it('keeps its threshold within 0.05 when the training holds the attacks (trained on the scenario itself)', async () => {
    const dirty = await trainModel([SCENARIO]);
    expect(Math.abs(dirty.threshold - threshold)).toBeLessThan(0.05);
  }, 60_000);
});
