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

/** Model seeds every assertion must hold for (the default, 1, first). */
const SEEDS = [1, 2, 3, 4, 5];

describe('loopback-a, trained on its baseline only', () => {
  const reports: EvalReport[] = [];
  const exponentials: EvalReport[] = [];
  let threshold: number;

  beforeAll(async () => {
    const labels = JSON.parse(readFileSync(path.join(DIR, 'labels-a.json'), 'utf8')) as EvalLabels;
    const run = async (options: EvalDetectorOptions): Promise<{ report: EvalReport; threshold: number }> => {
      const model = await trainModel([BASELINE], options);
      return { report: evaluate((await scoreRun(model, SCENARIO, options)).rows, labels), threshold: model.threshold };
    };
    threshold = (await run({})).threshold;
    for (const seed of SEEDS) {
      reports.push((await run({ seed })).report);
      exponentials.push((await run({ seed, tail: 'exponential' })).report);
    }
  }, 180_000);

  // AUC 0.983-0.987 over the seeds before rare contact ranked the windows below the threshold, 0.998-0.999 since (#15: 0.98).
  it('reaches AUC 0.995 and flags at most 1 of 241 benign host-windows (#15: 0.5 %) with every seed', () => {
    for (const [i, report] of reports.entries()) {
      expect(report.auc, `seed ${SEEDS[i]}`).toBeGreaterThanOrEqual(0.995);
      expect(report.benignWindows).toBe(241);
      // The `heavier` threshold (0.858-0.968 over the seeds) flags one benign window at seeds 1, 4 and 5.
      expect(report.benignFlagged, `seed ${SEEDS[i]}`).toBeLessThanOrEqual(1);
      // The exponential tail (0.820-0.890), not the default, flags 1 or 2 (0.83 %, above the target).
      expect(exponentials[i].benignFlagged, `seed ${SEEDS[i]}, exponential`).toBeLessThanOrEqual(2);
    }
  });

  it('detects every attack type with every seed and either tail, and the internal beacon in at least 80% of its windows (13 of 15 reached; #15 asks 70%)', () => {
    for (const [i, report] of [...reports, ...exponentials].entries()) {
      const label = `seed ${SEEDS[i % SEEDS.length]}${i < SEEDS.length ? '' : ', exponential'}`;
      for (const [type, r] of Object.entries(report.perType)) expect(r.detected, `${label}: ${type}`).toBeGreaterThan(0);
      expect(report.perType.beacon.recall, label).toBeGreaterThanOrEqual(0.8);
    }
  });

  it('keeps its threshold within 0.05 when the training holds the attacks (trained on the scenario itself)', async () => {
    const dirty = await trainModel([SCENARIO]);
    expect(Math.abs(dirty.threshold - threshold)).toBeLessThan(0.05);
  }, 60_000);
});
