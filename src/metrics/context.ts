import type { FlowTable } from '../flows/flow-table.js';
import type { TrafficStats } from './traffic-stats.js';

/** State of one capture (a live interface, or the file being replayed). */
export interface CaptureState {
  /** Interface label value. */
  iface: string;
  /** Whether the capture is currently delivering packets. */
  up: boolean;
  /** Packets the capture received (libpcap's ps_recv; packets read for a file). */
  received: number;
  /** Packets dropped by the kernel (ps_drop). */
  dropped: number;
  /** Packets dropped by the interface or driver (ps_ifdrop). */
  ifDropped: number;
}

/** Names the decoder gives to its error layers, reasons and encapsulations. */
export interface DecoderNames {
  /** Layer names by id. */
  layers: readonly string[];
  /** Reason names by id. */
  reasons: readonly string[];
  /** Encapsulation names by id. */
  encaps: readonly string[];
}

/** The flow-table counters the metrics and the summary read. */
export type FlowCounts = Pick<FlowTable, 'active' | 'flowMax' | 'created' | 'ended'>;

/** Counters of the capture workers (`--capture.workers` above 1), by worker. */
export interface WorkersView {
  /** Workers. */
  count: number;
  /** Packets each worker accounted. */
  packets(i: number): number;
  /** Seconds each worker spent on batches. */
  busySeconds(i: number): number;
  /** Packets dropped because the worker's queue was full (live capture; always 0 in a replay). */
  dropped(i: number): number;
}

/** Everything the collectors read at scrape time. Later stages add optional parts. */
export interface MetricsContext {
  /** Per-packet counters. */
  traffic: TrafficStats;
  /** Decoder label names. */
  names: DecoderNames;
  /** The flow table, or the sum of the capture workers' tables. */
  flows: FlowCounts;
  /** Captures by interface. */
  captures: () => readonly CaptureState[];
  /** Exceptions thrown by each pipeline stage. */
  failures: { stages: readonly string[]; counts: Float64Array };
  /** The capture workers, when there are several. */
  workers?: WorkersView;
}
