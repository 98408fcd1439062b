import { describe, expect, it } from 'vitest';
import type { WindowBatch } from '../features/host-windows.js';
import { FEATURE_NAMES, N_FEATURES, transformRows } from '../features/schema.js';
import type { Anomaly } from './anomaly.js';
import { Detector, type DetectorModel, ONE_SIDED_MIN_PACKETS } from './detector.js';
import { liftTowardThreshold } from './explain.js';
import { alertThreshold, DEFAULT_TAIL, TAIL_MODELS, type TailModel } from './threshold.js';
import type { Fitter } from './types.js';
import { workerFitter } from './worker-fitter.js';
import { Prng } from '../util/prng.js';

const W = 10;

/** A browsing client's raw window: a few flows, mostly downloads, some DNS. */
function benign(rng: Prng): Record<string, number> {
  const flows = 1 + rng.nextInt(10);
  const services = 1 + rng.nextInt(Math.min(flows, 4));
  const sent = 10 + rng.nextInt(200);
  const recv = sent + rng.nextInt(300);
  const bytesSent = sent * (80 + rng.nextInt(100));
  const bytesRecv = recv * (600 + rng.nextInt(900));
  const queries = rng.nextInt(4);
  return {
    flows_started: flows,
    dst_addresses: services,
    dst_ports: 1 + rng.nextInt(2),
    dst_services: services,
    flows_per_service: flows / services,
    // Real clients occasionally fail or get reset; a feature constant in training could never split.
    failed_share: rng.nextInt(20) === 0 ? 1 / flows : 0,
    rst_share: rng.nextInt(30) === 0 ? 1 / flows : 0,
    packets_sent: sent,
    packets_received: recv,
    bytes_sent: bytesSent,
    bytes_received: bytesRecv,
    mean_packet_size: bytesSent / sent,
    small_packet_share: 0.5 + rng.nextFloat() * 0.4,
    mean_flow_duration: rng.nextFloat() * 5,
    udp_flows: queries,
    dns_queries: queries,
    dns_name_length: queries > 0 ? 12 + rng.nextInt(14) : 0,
    dns_label_entropy: queries > 0 ? rng.nextFloat() * 2 : 0,
    out_in_ratio: (bytesSent + 1) / (bytesRecv + 1),
  };
}

const SCAN = { flows_started: 2000, dst_addresses: 2, dst_ports: 1000, dst_services: 2000, flows_per_service: 1, failed_share: 1, rst_share: 1, failed_flows: 2000, failed_ports: 1000, packets_sent: 2000, peak_packet_rate: 2000, packets_received: 2000, bytes_sent: 132_000, bytes_received: 120_000, mean_packet_size: 66, small_packet_share: 1, out_in_ratio: 1.1 };

function batch(start: number, rows: Record<string, number>[]): WindowBatch {
  const raw = new Float64Array(rows.length * N_FEATURES);
  rows.forEach((r, i) => {
    for (const [k, v] of Object.entries(r)) raw[i * N_FEATURES + FEATURE_NAMES.indexOf(k)] = v;
  });
  const vectors = new Float64Array(raw.length);
  transformRows(raw, vectors);
  return { start, end: start + W, hosts: rows.map((_, i) => `10.0.0.${i + 1}`), vectors, raw };
}

const benignBatch = (rng: Prng, start: number, hosts = 20) => batch(start, Array.from({ length: hosts }, () => benign(rng)));

describe('Detector', () => {
  it('warms up on packet time, then fits and scores', () => {
    const rng = new Prng(1);
    const det = new Detector({ schema: FEATURE_NAMES, windowSeconds: W, warmupSeconds: 300, retrainIntervalSeconds: 1e9 }, () => {});
    expect(det.state).toBe('warming');
    for (let t = 0; t < 290; t += W) expect(det.process(benignBatch(rng, 1000 + t))).toBeNull();
    expect(det.generation).toBe(0);
    expect(Number.isNaN(det.threshold)).toBe(true);
    const scores = det.process(benignBatch(rng, 1290));
    expect(scores).toHaveLength(20);
    expect(det.state).toBe('scoring');
    expect(det.generation).toBe(1);
    expect(det.trainingSamples).toBe(600);
    expect(det.lastTrainedAt).toBe(1300);
    expect(det.threshold).toBeGreaterThan(0.5);
    expect(det.threshold).toBeLessThan(1);
  });

  it('derives its threshold with the tail model it is given', () => {
    const warm = (tail?: TailModel) => {
      const rng = new Prng(1);
      const det = new Detector({ schema: FEATURE_NAMES, windowSeconds: W, warmupSeconds: 300, retrainIntervalSeconds: 1e9, family: 'hst', ...(tail === undefined ? {} : { tail }) }, () => {});
      for (let t = 0; t < 300; t += W) det.process(benignBatch(rng, 1000 + t));
      return det;
    };
    const plain = warm();
    const snapshot = plain.snapshot();
    const model = snapshot.model;
    if (model === undefined) throw new Error('no model after the warm-up');
    const w = N_FEATURES;
    const n = snapshot.reservoir.length / (2 * w);
    const vectors = new Float64Array(n * w);
    for (let r = 0; r < n; r++) vectors.set(snapshot.reservoir.subarray(r * 2 * w, r * 2 * w + w), r * w);
    const scores = model.scorer.scoreMany(vectors, n);
    for (const tail of TAIL_MODELS) expect(warm(tail).threshold).toBe(alertThreshold(scores, { falseAlarmRate: W / 86_400, tail }));
    expect(plain.threshold).toBe(alertThreshold(scores, { falseAlarmRate: W / 86_400, tail: DEFAULT_TAIL }));
    expect(new Set(TAIL_MODELS.map((tail) => warm(tail).threshold)).size).toBeGreaterThan(1);
  });

  it('flags a planted scan as a scan with explanations, and stays quiet on normal rows', () => {
    const rng = new Prng(2);
    const anomalies: Anomaly[] = [];
    const det = new Detector({ schema: FEATURE_NAMES, windowSeconds: W, warmupSeconds: 600, retrainIntervalSeconds: 1e9 }, (a) => anomalies.push(a));
    let t = 0;
    for (; t < 600; t += W) det.process(benignBatch(rng, t));
    // 100 normal windows × 20 hosts after the fit.
    for (let k = 0; k < 100; k++, t += W) det.process(benignBatch(rng, t));
    expect(anomalies.length).toBeLessThanOrEqual(1);
    anomalies.length = 0;
    const rows = Array.from({ length: 20 }, () => benign(rng));
    rows[7] = SCAN;
    const scores = det.process(batch(t, rows))!;
    expect(anomalies).toHaveLength(1);
    const a = anomalies[0];
    expect(a.host).toBe('10.0.0.8');
    expect(a.score).toBe(scores[7]);
    expect(a.score).toBeGreaterThan(a.threshold);
    expect(a.category).toBe('scan');
    expect([a.window_start, a.window_end, a.model_generation]).toEqual([t, t + W, 1]);
    expect(a.top_features.length).toBeGreaterThan(0);
    // Explained by features of the scan (2000 unanswered probes to 1000 ports), against the benign medians.
    expect(a.top_features.every((f) => f.value === (SCAN as Record<string, number>)[f.feature])).toBe(true);
    const failed = a.top_features.find((f) => f.feature === 'failed_flows');
    expect(failed).toEqual({ feature: 'failed_flows', value: 2000, median: 0 });
  });

  it('reports at most maxAnomaliesPerWindow anomalies per window, the highest scores, and counts the rest', () => {
    const rng = new Prng(3);
    const anomalies: Anomaly[] = [];
    const det = new Detector({ schema: FEATURE_NAMES, windowSeconds: W, warmupSeconds: 600, retrainIntervalSeconds: 1e9, maxAnomaliesPerWindow: 3 }, (a) => anomalies.push(a));
    let t = 0;
    for (; t < 610; t += W) det.process(benignBatch(rng, t));
    anomalies.length = 0;
    // Eight scans of growing size among twelve normal hosts.
    const rows = Array.from({ length: 20 }, (_, i) => (i < 8 ? { ...SCAN, flows_started: 500 * (i + 1), failed_flows: 500 * (i + 1) } : benign(rng)));
    const scores = det.process(batch(t, rows))!;
    const flagged = Array.from(scores.keys()).filter((i) => scores[i] > det.threshold);
    expect(flagged.length).toBeGreaterThanOrEqual(8);
    const worst = [...flagged].sort((a, b) => scores[b] - scores[a]).slice(0, 3);
    expect(anomalies.map((a) => a.host)).toEqual(worst.map((i) => `10.0.0.${i + 1}`));
    expect(det.suppressed).toBe(flagged.length - 3);
  });

  it('does not flag a one-sided window of a few packets, and counts it; more packets or any answer flag it', () => {
    const rng = new Prng(3);
    const anomalies: Anomaly[] = [];
    const det = new Detector({ schema: FEATURE_NAMES, windowSeconds: W, warmupSeconds: 600, retrainIntervalSeconds: 1e9 }, (a) => anomalies.push(a));
    let t = 0;
    for (; t < 610; t += W) det.process(benignBatch(rng, t));
    anomalies.length = 0;
    // One unanswered request of 11 packets (a capture that misses the answers): as unusual as a 1000-packet one.
    const unanswered = (packets: number) => ({ flows_started: 1, dst_addresses: 1, dst_ports: 1, dst_services: 1, flows_per_service: 1, failed_share: 1, failed_flows: 1, failed_ports: 1, packets_sent: packets, peak_packet_rate: packets, bytes_sent: 700 * packets, mean_packet_size: 700, out_in_ratio: 700 * packets + 1 });
    const rows = [unanswered(11), unanswered(ONE_SIDED_MIN_PACKETS), { ...unanswered(11), packets_received: 1, bytes_received: 60 }, { ...unanswered(11), unreachables_received: 1 }, benign(rng)];
    const scores = det.process(batch(t, rows))!;
    expect(scores[0]).toBeGreaterThan(det.threshold);
    expect(anomalies.map((a) => a.host)).toEqual(['10.0.0.2', '10.0.0.3', '10.0.0.4']);
    expect(det.oneSided).toBe(1);
    // 0 turns the rule off.
    const flagged: Anomaly[] = [];
    const off = new Detector({ schema: FEATURE_NAMES, windowSeconds: W, minOneSidedPackets: 0 }, (a) => flagged.push(a), det.model);
    off.process(batch(t, rows.slice(0, 1)));
    expect(flagged.map((a) => a.host)).toEqual(['10.0.0.1']);
    expect(off.oneSided).toBe(0);
  });

  it('lifts unflagged rows with rare-contact evidence toward their threshold, flagging the same rows', () => {
    const rng = new Prng(4);
    const det = new Detector({ schema: FEATURE_NAMES, windowSeconds: W, warmupSeconds: 600, retrainIntervalSeconds: 1e9 }, () => undefined);
    let t = 0;
    for (; t < 610; t += W) det.process(benignBatch(rng, t));
    const rows = Array.from({ length: 20 }, () => benign(rng));
    rows[3] = SCAN;
    const flaggedOf = (scores: Float64Array) => Array.from(scores.keys()).filter((i) => scores[i] > det.threshold);
    // Two detectors on the same model see the same window, one with every host in rare contact.
    const plain = new Detector({ schema: FEATURE_NAMES, windowSeconds: W }, () => undefined, det.model);
    const lifted = new Detector({ schema: FEATURE_NAMES, windowSeconds: W }, () => undefined, det.model);
    const before = plain.process(batch(t, rows))!;
    const after = lifted.process({ ...batch(t, rows), rareContact: new Float64Array(rows.length).fill(1) })!;
    expect(flaggedOf(after)).toEqual(flaggedOf(before));
    expect(flaggedOf(before)).toContain(3);
    for (let i = 0; i < rows.length; i++) {
      if (before[i] > det.threshold) expect(after[i]).toBe(before[i]);
      else expect(after[i]).toBeCloseTo(liftTowardThreshold(before[i], det.threshold, 1), 12);
    }
  });

  it('retrains on unflagged rows only, so a repeated attack does not become normal', () => {
    const rng = new Prng(3);
    const anomalies: Anomaly[] = [];
    const det = new Detector({ schema: FEATURE_NAMES, windowSeconds: W, warmupSeconds: 600, retrainIntervalSeconds: 200 }, (a) => anomalies.push(a));
    let offered = 0;
    let t = 0;
    for (; t < 600; t += W, offered += 20) det.process(benignBatch(rng, t));
    expect(det.trainingSamples).toBe(offered);
    expect(det.generation).toBe(1);
    // Scoring: every window carries the scan; retrains happen every 200 s.
    let refits = 0;
    for (let k = 0; k < 60; k++, t += W) {
      const rows = Array.from({ length: 20 }, () => benign(rng));
      rows[0] = SCAN;
      const before = anomalies.length;
      const generation = det.generation;
      det.process(batch(t, rows));
      // A refit happens before the batch is scored; the reservoir holds every row offered so far,
      // so its size is exactly the number of rows that were never flagged.
      if (det.generation !== generation) {
        refits++;
        expect(det.trainingSamples).toBe(offered);
      }
      offered += 20 - (anomalies.length - before);
    }
    expect(refits).toBeGreaterThanOrEqual(2);
    expect(anomalies.filter((a) => a.host === '10.0.0.1')).toHaveLength(60);
    expect(anomalies.at(-1)!.model_generation).toBe(det.generation);
  });

  it('scores at once with a given model, and never replaces it', () => {
    const rng = new Prng(4);
    const trainer = new Detector({ schema: FEATURE_NAMES, windowSeconds: W, warmupSeconds: 100 }, () => {});
    for (let t = 0; t < 100; t += W) trainer.process(benignBatch(rng, t));
    const model = trainer.model!;
    const det = new Detector({ schema: FEATURE_NAMES, windowSeconds: W, retrainIntervalSeconds: 100 }, () => {}, model);
    expect(det.state).toBe('scoring');
    expect(det.generation).toBe(1);
    // Far past the retrain interval from its training time, with plenty of rows: still the same model.
    for (let t = 0; t < 1000; t += W) expect(det.process(benignBatch(rng, 5000 + t))).toHaveLength(20);
    expect(det.model).toBe(model);
    expect(det.generation).toBe(1);
  });

  it('takes its row width from the schema it is given, and its model family by kind', () => {
    const rng = new Prng(8);
    const trainer = new Detector({ schema: FEATURE_NAMES, windowSeconds: W, warmupSeconds: 100 }, () => {});
    for (let t = 0; t < 100; t += W) trainer.process(benignBatch(rng, t));
    expect(trainer.model!.scorer.kind).toBe('iforest');
    expect(trainer.model!.scorer.nFeatures).toBe(N_FEATURES);
    expect(() => new Detector({ schema: FEATURE_NAMES.slice(1), windowSeconds: W }, () => {}, trainer.model)).toThrow(
      `model has ${N_FEATURES} features, the schema has ${N_FEATURES - 1}`,
    );
    expect(() => new Detector({ schema: FEATURE_NAMES, windowSeconds: W, family: 'onnx' }, () => {})).toThrow('unknown model family "onnx" (this build knows iforest, hst, ensemble)');
  });
});

describe('Detector with a background fitter', () => {
  /** The worker-thread fitter, with each fit's promise kept so that a test can wait for it. */
  function recordingFitter(): { fitter: Fitter; fits: Promise<DetectorModel>[] } {
    const real = workerFitter();
    const fits: Promise<DetectorModel>[] = [];
    return {
      fits,
      fitter: (job) => {
        const p = real(job);
        fits.push(p);
        return p;
      },
    };
  }
  /** Lets the detector's handler of a finished fit run. */
  const settled = async (p: Promise<unknown> | undefined) => {
    await p;
    await new Promise((r) => setImmediate(r));
  };

  it('keeps warming until the worker has fitted, then scores with the model an in-line fit gives', async () => {
    const opts = { schema: FEATURE_NAMES, windowSeconds: W, warmupSeconds: 300, retrainIntervalSeconds: 1e9 };
    const inline = new Detector(opts, () => {});
    const background = new Detector(opts, () => {});
    const { fitter, fits } = recordingFitter();
    background.fitInBackground(fitter, (err) => expect.fail(err.message));
    const rng = new Prng(5);
    let t = 0;
    for (; t < 300; t += W) {
      const b = benignBatch(rng, t);
      const expected = inline.process(b);
      expect(background.process(b)).toBeNull();
      if (expected !== null) break;
    }
    expect(inline.state).toBe('scoring');
    expect(background.state).toBe('warming');
    expect(fits).toHaveLength(1);
    await settled(fits[0]);
    expect(background.state).toBe('scoring');
    expect(background.generation).toBe(1);
    expect(background.threshold).toBe(inline.threshold);
    expect(background.model!.baseline).toEqual(inline.model!.baseline);
    const b = benignBatch(rng, t + W);
    expect(background.process(b)).toEqual(inline.process(b));
  });

  it('scores with the old model while a refit runs, and swaps the new one in when it is ready', async () => {
    const det = new Detector({ schema: FEATURE_NAMES, windowSeconds: W, warmupSeconds: 100, retrainIntervalSeconds: 100 }, () => {});
    const { fitter, fits } = recordingFitter();
    det.fitInBackground(fitter, (err) => expect.fail(err.message));
    const rng = new Prng(6);
    let t = 0;
    for (; det.state === 'warming'; t += W) {
      det.process(benignBatch(rng, t));
      await settled(fits.at(-1));
    }
    const first = det.model!;
    // Windows ending before the retrain interval is up start no fit.
    for (; t + W < first.trainedAt + 100; t += W) det.process(benignBatch(rng, t));
    expect(fits).toHaveLength(1);
    // This window's end makes the refit due: it starts, and this window and the next are scored by the old model.
    expect(det.process(benignBatch(rng, t))).toHaveLength(20);
    expect(det.process(benignBatch(rng, t + W))).toHaveLength(20);
    expect(fits).toHaveLength(2);
    expect(det.model).toBe(first);
    await settled(fits[1]);
    expect(det.generation).toBe(2);
    expect(det.model).not.toBe(first);
    expect(det.lastTrainedAt).toBe(t + W);
  });

  it('reports a failed fit once, then fits in line', async () => {
    const errors: string[] = [];
    const det = new Detector({ schema: FEATURE_NAMES, windowSeconds: W, warmupSeconds: 100 }, () => {});
    let calls = 0;
    det.fitInBackground(
      () => {
        calls++;
        return Promise.reject(new Error('worker gone'));
      },
      (err) => errors.push(err.message),
    );
    const rng = new Prng(7);
    let t = 0;
    for (; t < 100; t += W) expect(det.process(benignBatch(rng, t))).toBeNull();
    await settled(undefined);
    expect(errors).toEqual(['worker gone']);
    expect(det.process(benignBatch(rng, t))).toHaveLength(20);
    expect(det.generation).toBe(1);
    expect(calls).toBe(1);
  });
});
