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

/** Everything the collectors read at scrape time. Later stages add optional parts. */
export interface MetricsContext {
  /** Per-packet counters. */
  traffic: TrafficStats;
  /** Decoder label names. */
  names: DecoderNames;
  /** The flow table. */
  flows: FlowTable;
  /** Captures by interface. */
  captures: () => readonly CaptureState[];
  /** Exceptions thrown by each pipeline stage. */
  failures: { stages: readonly string[]; counts: Float64Array };
}
