import { describe, expect, it } from 'vitest';
import { scoreRun, trainModel, type EvalDetectorOptions } from '../../src/eval/scenario.js';
import { evaluate, type EvalReport } from '../../src/eval/evaluate.js';
import type { DetectorModel } from '../../src/model/detector.js';
import { ATTACK_TYPES, synthLabels, type SynthOptions } from '../../src/synth/synth.js';

/** Held-out seeds with every attack, 10 minutes each; never trained on. */
const SEEDS = [7, 8, 9];

/** Scores a synthetic run with its attacks and evaluates it against its labels. */
async function evaluateSynth(model: DetectorModel, opts: SynthOptions): Promise<EvalReport> {
  return evaluate((await scoreRun(model, opts)).rows, synthLabels(opts));
}

/** Trains on 20 minutes of benign-only seed 100 with the given detector options and evaluates on every held-out seed. */
async function reports(detector: EvalDetectorOptions): Promise<EvalReport[]> {
  const model = await trainModel([{ seed: 100, duration: 1200, attacks: [], start: 1_600_000_000 }], detector);
  const out: EvalReport[] = [];
  for (const seed of SEEDS) out.push(await evaluateSynth(model, { seed, duration: 600, attacks: [...ATTACK_TYPES] }));
  return out;
}

/** Benign windows flagged over all reports. */
const flagged = (rs: EvalReport[]) => rs.reduce((a, r) => a + r.benignFlagged, 0);
const benign = (rs: EvalReport[]) => rs.reduce((a, r) => a + r.benignWindows, 0);

describe('model families on synthetic seeds, trained on another benign-only seed', () => {
  it('all rank attacks above benign windows, and Half-Space Trees need the heavier tail to keep false alarms rare', async () => {
    const iforest = await reports({ family: 'iforest' });
    const ensemble = await reports({ family: 'ensemble' });
    const hstExponential = await reports({ family: 'hst', tail: 'exponential' });
    const hstHeavier = await reports({ family: 'hst', tail: 'heavier' });
    for (const rs of [iforest, ensemble, hstExponential, hstHeavier]) for (const r of rs) expect(r.auc).toBeGreaterThanOrEqual(0.96);
    expect(flagged(iforest) / benign(iforest)).toBeLessThanOrEqual(0.002);
    expect(flagged(hstHeavier) / benign(hstHeavier)).toBeLessThanOrEqual(0.002);
    // The exponential extrapolation of Half-Space Trees' heavy-tailed training scores sets their threshold too low.
    expect(flagged(hstExponential)).toBeGreaterThanOrEqual(3 * Math.max(1, flagged(hstHeavier)));
  }, 300_000);
});
