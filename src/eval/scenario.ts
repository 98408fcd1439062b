import { defaultOptions } from '../cli/options.js';
import type { Anomaly } from '../model/anomaly.js';
import type { DetectorModel, DetectorOptions } from '../model/detector.js';
import { buildPipeline, scoringOf } from '../pipeline/build-pipeline.js';
import type { Pipeline } from '../pipeline/pipeline.js';
import { PacketView } from '../source/packet-view.js';
import { openSource } from '../source/sources.js';
import { synthPackets, type SynthOptions } from '../synth/synth.js';
import type { ScoredWindow } from './evaluate.js';

/** Window length of evaluation runs (the synth labels' evaluation.window_s). */
export const EVAL_WINDOW = 10;
/** Ethernet, the link type of synthetic frames. */
const LINKTYPE_ETHERNET = 1;

/**
 * The benign training traffic of the documented measurements: two one-hour
 * synthetic runs without attacks (seeds 100 and 102), one after the other,
 * whose clients also use the internet beyond the classic site's browsing
 * (script-heavy pages, QUIC, mail submission: startInternetUse).
 */
export const BENIGN_TRAINING: readonly SynthOptions[] = [100, 102].map((seed, i) => ({ seed, duration: 3600, attacks: [], start: 1_600_000_000 + i * 100_000, internetUse: true }));

/** Detector options an evaluation may set: the family, the threshold's tail model and the model's seed. */
export type EvalDetectorOptions = Pick<DetectorOptions, 'family' | 'tail' | 'seed'>;

/** A traffic source of an evaluation run: synthetic traffic, or a capture file. */
export type TrafficSource = SynthOptions | string;

/**
 * A pipeline with the command line's defaults but a flow table of 200 000
 * flows (enough for any evaluation capture) and a short anomaly ring.
 * Without a model it only collects training rows (no warm-up cut-off);
 * `detector` overrides the model family, the threshold's tail and the seed.
 */
export function evalPipeline(model?: DetectorModel, detector: EvalDetectorOptions = {}): Pipeline {
  const defaults = defaultOptions();
  const o = {
    ...defaults,
    window: EVAL_WINDOW,
    'flow.max': 200_000,
    'anomaly.ring-size': 16,
    'model.kind': detector.family ?? defaults['model.kind'],
    'model.threshold-tail': detector.tail ?? defaults['model.threshold-tail'],
    'model.seed': detector.seed ?? defaults['model.seed'],
  };
  return buildPipeline(o, model === undefined ? { training: true } : { model });
}

/** Feeds one source into a sink (a pipeline's, or bench/families.mjs's fan-out to several); synthetic traffic is generated in memory. */
export async function feed(pipeline: Pick<Pipeline, 'sink'>, source: TrafficSource): Promise<void> {
  if (typeof source === 'string') {
    await openSource('file', source).run(pipeline.sink);
    return;
  }
  const v = new PacketView();
  v.linktype = LINKTYPE_ETHERNET;
  v.iface = 'synth';
  for (const p of synthPackets(source)) {
    v.data = p.frame;
    v.caplen = v.wirelen = p.frame.length;
    v.tsSec = p.tsSec;
    v.tsNsec = p.tsNsec;
    pipeline.sink(v);
  }
}

/**
 * Trains a detector model on benign traffic, as `netscore train` does: every
 * host-window of every source, one fit at the end. Sources are fed in order
 * and must not overlap in time (give synthetic runs distinct starts).
 */
export async function trainModel(sources: readonly TrafficSource[], options: EvalDetectorOptions = {}): Promise<DetectorModel> {
  const pipeline = evalPipeline(undefined, options);
  for (const s of sources) await feed(pipeline, s);
  pipeline.finish();
  const detector = scoringOf(pipeline).detector;
  detector.fit(pipeline.traffic.lastTimestamp);
  if (detector.model === undefined) throw new Error('training fitted no model');
  return detector.model;
}

/** What a scored run produced: every scored host-window (with the category of flagged ones) and the anomalies. */
export interface ScoredRun {
  rows: ScoredWindow[];
  anomalies: Anomaly[];
}

/** Scores one source with a fixed model; `options.tail` is the tail of the per-host thresholds (the model's family is its own). */
export async function scoreRun(model: DetectorModel, source: TrafficSource, options: EvalDetectorOptions = {}): Promise<ScoredRun> {
  const pipeline = evalPipeline(model, options);
  const scoring = scoringOf(pipeline);
  const rows: ScoredWindow[] = [];
  const anomalies: Anomaly[] = [];
  // Anomalies are emitted while their window is scored, before the scores listener sees the window.
  const categories = new Map<string, string>();
  scoring.onAnomaly((a) => {
    anomalies.push(a);
    categories.set(`${a.window_start} ${a.host}`, a.category);
  });
  scoring.onScores((batch, scores, thresholds) => {
    batch.hosts.forEach((host, i) => {
      const category = categories.get(`${batch.start} ${host}`);
      rows.push({ windowStart: batch.start, host, score: scores[i], flagged: scores[i] > thresholds[i], ...(category === undefined ? {} : { category }) });
    });
  });
  await feed(pipeline, source);
  pipeline.finish();
  return { rows, anomalies };
}
