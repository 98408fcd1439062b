import type { OptionValues } from '../cli/options.js';
import { Decoder } from '../decode/decoder.js';
import { FlowTable, type FlowTimeouts } from '../flows/flow-table.js';
import type { WindowAccumulatorOptions } from '../features/window-accumulator.js';
import type { DetectorModel } from '../model/detector.js';
import { Pipeline } from './pipeline.js';
import type { ShardCoreData } from './shard-core.js';
import { Scoring } from './scoring.js';

/** The options a pipeline is built from (the Flows, Decoding, Scoring and Anomalies groups). */
export type PipelineOptions = Pick<
  OptionValues,
  | 'flow.max'
  | 'flow.timeout.tcp'
  | 'flow.timeout.tcp-closed'
  | 'flow.timeout.udp'
  | 'flow.timeout.icmp'
  | 'flow.timeout.other'
  | 'flow.timeout.active'
  | 'decode.max-depth'
  | 'model.threshold-tail'
  | 'scoring'
  | 'window'
  | 'hosts.max'
  | 'hosts.history'
  | 'hosts.doorkeeper'
  | 'model.warmup'
  | 'model.retrain-interval'
  | 'model.reservoir-size'
  | 'model.kind'
  | 'model.seed'
  | 'model.false-alarm-rate'
  | 'anomaly.max-per-window'
  | 'anomaly.min-one-sided-packets'
  | 'anomaly.ring-size'
  | 'anomaly.top-k'
  | 'anomaly.hold'
  | 'incident.gap'
  | 'incident.max-open'
  | 'incident.max-closed'
  | 'incident.baseline-hosts'
>;

/** What the options cannot say: a loaded model to score with, or training (collect every window, fit only when asked). */
export interface PipelineRole {
  /** A loaded model that scores from the first window and is never refitted. */
  model?: DetectorModel;
  /** Collect every host-window and never fit on its own (no warm-up cut-off): `train` and evaluation training. */
  training?: boolean;
}

/**
 * The composition root of the packet path: builds the decoder, the flow
 * table and (unless `--no-scoring`) the scoring stages from the options,
 * wires flow ends into the feature windows, and hands them to a Pipeline.
 * `run`, `replay`, `train`, `eval` and the evaluation scenarios all build here.
 */
export function buildPipeline(o: PipelineOptions, role: PipelineRole = {}): Pipeline {
  const scoring =
    o.scoring || role.training
      ? new Scoring({
          windowSeconds: o.window,
          maxHosts: o['hosts.max'],
          historySize: o['hosts.history'],
          doorkeeperSlots: o['hosts.doorkeeper'],
          flowMax: o['flow.max'],
          detector: {
            warmupSeconds: role.training ? Infinity : o['model.warmup'],
            retrainIntervalSeconds: o['model.retrain-interval'],
            reservoirSize: o['model.reservoir-size'],
            family: o['model.kind'],
            tail: o['model.threshold-tail'],
            seed: o['model.seed'],
            falseAlarmRate: o['model.false-alarm-rate'],
            maxAnomaliesPerWindow: o['anomaly.max-per-window'],
            minOneSidedPackets: o['anomaly.min-one-sided-packets'],
          },
          model: role.model,
          ringSize: o['anomaly.ring-size'],
          topK: o['anomaly.top-k'],
          holdSeconds: o['anomaly.hold'],
          incidentGap: o['incident.gap'],
          maxOpenIncidents: o['incident.max-open'],
          maxClosedIncidents: o['incident.max-closed'],
          baselineHosts: o['incident.baseline-hosts'],
        })
      : undefined;
  const flows = new FlowTable(o['flow.max'], flowTimeouts(o), { flowEnded: (slot, f) => scoring?.windows.flowEnded(slot, f) });
  return new Pipeline({ decoder: new Decoder({ maxDepth: o['decode.max-depth'] }), flows, scoring });
}

/** The scoring stages of a pipeline built to score (with scoring on, or for training); a pipeline without them is a programming error. */
export function scoringOf(pipeline: Pipeline): Scoring {
  if (pipeline.scoring === undefined) throw new Error('this pipeline was built without scoring (--no-scoring)');
  return pipeline.scoring;
}

/** The flow timeouts the options set, in seconds of packet time. */
export function flowTimeouts(o: PipelineOptions): FlowTimeouts {
  return {
    tcp: o['flow.timeout.tcp'],
    tcpClosed: o['flow.timeout.tcp-closed'],
    udp: o['flow.timeout.udp'],
    icmp: o['flow.timeout.icmp'],
    other: o['flow.timeout.other'],
    active: o['flow.timeout.active'],
  };
}

/** What capture worker `index` is started with (replay or live): its flow table, decoder and windows as the options set them, and its counters. */
export function shardCoreData(index: number, o: PipelineOptions, windows: WindowAccumulatorOptions | undefined, stats: SharedArrayBuffer): ShardCoreData {
  return { index, flowMax: o['flow.max'], timeouts: flowTimeouts(o), maxDepth: o['decode.max-depth'], windows, stats };
}
