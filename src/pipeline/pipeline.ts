import type { Decoder } from '../decode/decoder.js';
import { ENCAP_NAMES } from '../decode/encaps.js';
import { LAYER_NAMES } from '../decode/layers.js';
import { REASON_NAMES } from '../decode/reasons.js';
import type { FlowTable } from '../flows/flow-table.js';
import type { MetricsContext, CaptureState } from '../metrics/context.js';
import { TrafficStats } from '../metrics/traffic-stats.js';
import type { PacketSink } from '../source/source.js';
import type { PacketView } from '../source/packet-view.js';
import type { Scoring } from './scoring.js';
import { STAGE_NAMES, StageError } from './stage-error.js';
import { TICK_SECONDS, WALL_LAG_SECONDS } from './ticks.js';

/** The stages a pipeline runs packets through; `buildPipeline` makes them from the options. */
export interface PipelineParts {
  /** The decoder. */
  decoder: Decoder;
  /** The flow table; its flow-ended events must reach `scoring.windows` (buildPipeline wires them). */
  flows: FlowTable;
  /** Features, model and anomaly outputs; absent when only traffic is counted. */
  scoring?: Scoring;
}

// Indexes into STAGE_NAMES.
const DECODE = 0;
const FLOWS = 1;
const FEATURES = 2;
const SCORING = 3;

/**
 * Runs every stage: it takes packets from a source, decodes them, counts
 * them, tracks their flows, and hands packets and flows to scoring. It is
 * given its stages (see buildPipeline) and builds none of them.
 */
export class Pipeline {
  /** The decoder (one reused result struct). */
  readonly decoder: Decoder;
  /** Per-packet counters read by the metrics and the summary. */
  readonly traffic = new TrafficStats(LAYER_NAMES.length, REASON_NAMES.length, ENCAP_NAMES.length);
  /** The flow table. */
  readonly flows: FlowTable;
  /** The scoring stages, when configured. */
  readonly scoring: Scoring | undefined;
  /** Captures feeding this pipeline, for the capture metrics. */
  readonly captures: CaptureState[] = [];
  /** Exceptions thrown by each stage (STAGE_NAMES order). */
  readonly failures = new Float64Array(STAGE_NAMES.length);
  private nextTick = -Infinity;
  /** The stage running now, so that an exception is attributed to it. */
  private stage = DECODE;

  constructor(parts: PipelineParts) {
    this.decoder = parts.decoder;
    this.flows = parts.flows;
    this.scoring = parts.scoring;
  }

  /** The sink sources deliver to; an exception in a stage is counted and rethrown as a StageError. */
  readonly sink: PacketSink = (v: PacketView) => {
    try {
      this.stage = DECODE;
      const pkt = this.decoder.decode(v.data, v.offset, v.caplen, v.linktype);
      const ts = v.tsSec + v.tsNsec * 1e-9;
      this.traffic.record(v.iface, pkt, v.wirelen, ts);
      this.stage = FLOWS;
      const slot = this.flows.update(pkt, v.wirelen, ts);
      this.stage = FEATURES;
      if (slot >= 0 && this.scoring) this.scoring.windows.packet(pkt, v.data, v.wirelen, ts, slot, this.flows.lastReverse, this.flows.lastNew);
      if (ts >= this.nextTick) this.tick(ts);
    } catch (err) {
      throw this.failed(err, v.iface);
    }
  };

  /** Runs housekeeping at packet time `ts`: expires idle flows and closes finished windows. */
  tick(ts: number): void {
    this.stage = FLOWS;
    this.flows.expire(ts);
    this.stage = SCORING;
    this.scoring?.advance(ts);
    this.nextTick = ts + TICK_SECONDS;
  }

  /** Runs housekeeping from the wall clock `now`, WALL_LAG_SECONDS behind it, when no packet has done so for a tick (live capture); throws StageError. */
  idleTick(now: number): void {
    const ts = now - WALL_LAG_SECONDS;
    try {
      if (ts >= this.nextTick) this.tick(ts);
    } catch (err) {
      throw this.failed(err, '');
    }
  }

  /** Ends every flow and scores the last window (end of replay, shutdown); throws StageError. */
  finish(): void {
    try {
      this.stage = FLOWS;
      this.flows.flush();
      this.stage = SCORING;
      this.scoring?.finish();
    } catch (err) {
      throw this.failed(err, '');
    }
  }

  /** What the metrics collectors read. */
  metricsContext(captures: () => readonly CaptureState[] = () => this.captures): MetricsContext {
    return {
      traffic: this.traffic,
      names: { layers: LAYER_NAMES, reasons: REASON_NAMES, encaps: ENCAP_NAMES },
      flows: this.flows,
      captures,
      failures: { stages: STAGE_NAMES, counts: this.failures },
    };
  }

  /** Counts an exception against the running stage and wraps it with the packet it happened at. */
  private failed(err: unknown, iface: string): StageError {
    // Windows close from the features stage too, when a packet crosses a window boundary.
    const stage = this.scoring?.scoringWindow ? SCORING : this.stage;
    this.failures[stage]++;
    const packet = this.traffic.packets + (stage === DECODE ? 1 : 0);
    return new StageError(STAGE_NAMES[stage], packet, this.traffic.lastTimestamp, iface, err);
  }
}
