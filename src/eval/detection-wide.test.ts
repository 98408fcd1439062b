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
/**
 * Held-out wide seeds of the three-hour protocol (docs/detection.md, "Run
 * length"): never used to tune; periods of the beacons range from 6 s to
 * 572 s, so five of them are only judged by runs of an hour or more.
 */
const LONG_SEEDS = [37, 38, 39, 40, 41, 42, 43, 44, 45, 46];
/** Three hours: a ten-minute beacon checks in 18 times, so the windows before its fifth are a quarter of its run. */
const LONG_RUN = 10_800;

/** Evaluates one wide run with every wide attack, jittered beacons apart by the class of their C2 address, as the harness reports them. */
async function evaluateWide(model: DetectorModel, seed: number, duration: number): Promise<EvalReport> {
  const run: SynthOptions = { seed, duration, attacks: [...WIDE_ATTACK_TYPES], hosts: 20, profile: 'wide' };
  const labels = synthLabels(run);
  const attacks = labels.attacks.map((a) => (a.type === 'jitterbeacon' ? { ...a, type: `jitterbeacon-${a.victim_ips[0].startsWith('10.') ? 'internal' : 'public'}` } : a));
  return evaluate((await scoreRun(model, run)).rows, { ...labels, attacks });
}

describe('detection on fixed-seed wide synthetic captures (docs/detection.md, #15)', () => {
  let model: DetectorModel;
  const reports = new Map<number, EvalReport>();

  beforeAll(async () => {
    model = await trainModel([TRAINING]);
    for (const seed of SEEDS) reports.set(seed, await evaluateWide(model, seed, 1800));
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

describe("#15's synthetic targets on ten held-out three-hour wide runs (docs/detection.md, \"Run length\")", () => {
  const reports: EvalReport[] = [];

  beforeAll(async () => {
    const model = await trainModel([TRAINING]);
    for (const seed of LONG_SEEDS) reports.push(await evaluateWide(model, seed, LONG_RUN));
  }, 900_000);

  // Measured: median 0.9986, minimum 0.9965 (seed 45).
  it('ranks attack host-windows above benign ones: median AUC at least 0.99, minimum at least 0.98', () => {
    const aucs = reports.map((r) => r.auc).sort((a, b) => a - b);
    expect((aucs[4] + aucs[5]) / 2).toBeGreaterThanOrEqual(0.99);
    expect(aucs[0]).toBeGreaterThanOrEqual(0.98);
  });

  // Measured: 10 of 239,029 (0.004 %).
  it('flags at most 0.1 % of benign host-windows', () => {
    const windows = reports.reduce((n, r) => n + r.benignWindows, 0);
    const flagged = reports.reduce((n, r) => n + r.benignFlagged, 0);
    expect(windows).toBeGreaterThan(200_000);
    expect(flagged / windows).toBeLessThanOrEqual(0.001);
  });

  // Measured: internal beacon 0.933, public 0.943, slow brute force 0.947, sweep 0.930, ping sweep 1.000, DNS tunnel 0.973, exfiltration 0.959
  // (with the beacon count factor full at six check-ins: 0.925 and 0.934 for the beacons).
  it.each([...WIDE_ATTACK_TYPES.filter((t) => t !== 'jitterbeacon'), 'jitterbeacon-internal', 'jitterbeacon-public'])('detects at least 90 %% of the %s windows', (type) => {
    let windows = 0;
    let detected = 0;
    for (const r of reports) {
      windows += r.perType[type]?.windows ?? 0;
      detected += r.perType[type]?.detected ?? 0;
    }
    expect(windows).toBeGreaterThan(0);
    expect(detected / windows, `${detected}/${windows}`).toBeGreaterThanOrEqual(0.9);
  });
});
