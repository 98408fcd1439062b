import { beforeAll, describe, expect, it } from 'vitest';
import type { DetectorModel } from '../model/detector.js';
import { ATTACK_TYPES, synthLabels } from '../synth/synth.js';
import type { SynthOptions } from '../synth/synth.js';
import { evaluate } from './evaluate.js';
import { EXPECTED_CATEGORY } from './expected-category.js';
import type { EvalReport, ScoredWindow } from './evaluate.js';
import { BENIGN_TRAINING, scoreRun, trainModel } from './scenario.js';

/** Two held-out half-hour runs with every attack, pooled into one evaluation (seeds never used for tuning). */
const TEST_RUNS: SynthOptions[] = [
  { seed: 7, duration: 1800, attacks: [...ATTACK_TYPES] },
  { seed: 8, duration: 1800, attacks: [...ATTACK_TYPES], start: 1_700_010_000 },
];

describe('detection on fixed-seed synthetic captures (docs/detection.md targets)', () => {
  let model: DetectorModel;
  let report: EvalReport;

  beforeAll(async () => {
    model = await trainModel(BENIGN_TRAINING);
    const rows: ScoredWindow[] = [];
    const labels = { evaluation: { window_s: 10 }, attacks: TEST_RUNS.flatMap((r) => synthLabels(r).attacks) };
    for (const run of TEST_RUNS) rows.push(...(await scoreRun(model, run)).rows);
    report = evaluate(rows, labels);
  }, 120_000);

  it('flags at most 0.5 % of benign host-windows', () => {
    expect(report.benignWindows).toBeGreaterThan(4000);
    expect(report.falsePositiveRate).toBeLessThanOrEqual(0.005);
  });

  // 0.9866 before rare contact ranked the windows below the threshold, 0.9994 since (docs/detection.md).
  it('ranks attack host-windows above benign ones: AUC at least 0.995', () => {
    expect(report.auc).toBeGreaterThanOrEqual(0.995);
  });

  it.each([...ATTACK_TYPES])('detects at least 90 percent of the %s windows', (type) => {
    const r = report.perType[type];
    expect(r.windows, type).toBeGreaterThan(0);
    expect(r.recall, `${type}: ${r.detected}/${r.windows}`).toBeGreaterThanOrEqual(0.9);
  });

  // The first and last window of an attack may hold a sliver of it (a second of a UDP flood looks like a UDP scan).
  it.each([...ATTACK_TYPES])('names at least three quarters of the detected %s windows by their category', (type) => {
    const r = report.perType[type];
    expect(r.expected, type).toBe(EXPECTED_CATEGORY[type]);
    expect(r.named, JSON.stringify(r.categories)).toBeGreaterThanOrEqual(0.75 * r.detected);
  });
});
