import { beforeAll, describe, expect, it } from 'vitest';
import type { DetectorModel } from '../model/detector.js';
import { synthLabels, WIDE_ATTACK_TYPES } from '../synth/synth.js';
import type { SynthOptions } from '../synth/synth.js';
import { evaluate } from './evaluate.js';
import type { EvalReport } from './evaluate.js';
import { scoreRun, trainModel } from './scenario.js';

/** One hour of benign wide traffic, the training of `bench/detection.mjs --profile wide`. */
const TRAINING: SynthOptions = { seed: 100, duration: 3600, attacks: [], hosts: 20, profile: 'wide', start: 1_600_000_000 };
/**
 * Held-out wide seeds with a slow internal beacon (seed 8: every 246 s ± 20 %,
 * seed 15: 199 s ± 19 %) and seed 16, whose client 10.0.0.22 checks a public
 * update server other clients use every two minutes.
 */
const SEEDS = [8, 15, 16];

describe('detection on fixed-seed wide synthetic captures (docs/detection.md, #15)', () => {
  let model: DetectorModel;
  const reports = new Map<number, EvalReport>();

  beforeAll(async () => {
    model = await trainModel([TRAINING]);
    for (const seed of SEEDS) {
      const run: SynthOptions = { seed, duration: 1800, attacks: [...WIDE_ATTACK_TYPES], hosts: 20, profile: 'wide' };
      const labels = synthLabels(run);
      // Jittered beacons apart by the class of their C2 address, as the harness reports them.
      const attacks = labels.attacks.map((a) => (a.type === 'jitterbeacon' ? { ...a, type: `jitterbeacon-${a.victim_ips[0].startsWith('10.') ? 'internal' : 'public'}` } : a));
      reports.set(seed, evaluate((await scoreRun(model, run)).rows, { ...labels, attacks }));
    }
  }, 600_000);

  it('flags at most 0.1 % of benign host-windows, and no window of the update-checking client', () => {
    const all = [...reports.values()];
    const windows = all.reduce((n, r) => n + r.benignWindows, 0);
    const flagged = all.reduce((n, r) => n + r.benignFlagged, 0);
    expect(windows).toBeGreaterThan(12_000);
    expect(flagged / windows).toBeLessThanOrEqual(0.001);
    expect(reports.get(16)!.benignFlaggedByHost['10.0.0.22'] ?? 0).toBe(0);
  });

  // Main at ce1c7aa: 24/100 (seed 8) and 63/147 (seed 15), flagged from the sixth check-in or later.
  it.each([
    [8, 0.38],
    [15, 0.55],
  ])('flags the slow internal beacon of seed %d as a beacon in at least a share %s of its windows', (seed, share) => {
    const r = reports.get(seed)!.perType['jitterbeacon-internal'];
    expect(r.windows).toBeGreaterThan(90);
    // It is flagged from its fifth check-in, 13.5 (seed 15) to 17 (seed 8) minutes into the run, on to the end
    // (docs/detection.md, "Slow beacons: few gaps"): two fifths to three fifths of the windows are left.
    expect(r.detected, `${r.detected}/${r.windows}`).toBeGreaterThanOrEqual(share * r.windows);
    expect(r.categories.beacon).toBe(r.detected);
  });

  // Main at ce1c7aa: 0.931, 0.889 and 0.979; 0.946, 0.916 and 0.984 with beacon analysis weighing the skew of few gaps as weak evidence;
  // 0.996, 0.996 and 0.997 since windows of a host in contact with a service new to it that no other host uses rank
  // above ordinary ones before its beacon can be judged (docs/detection.md, "Rare contact ranks the windows before").
  it.each([
    [8, 0.995],
    [15, 0.995],
    [16, 0.995],
  ])('ranks attack host-windows of seed %d above benign ones: AUC at least %s', (seed, auc) => {
    expect(reports.get(seed)!.auc).toBeGreaterThanOrEqual(auc);
  });
});
