import type { DecodedPacket } from '../decode/decoded-packet.js';
import type { FlowRecord, FlowSink } from '../flows/flow-record.js';
import type { HostHistory } from './host-history.js';
import type { WindowBatch } from './window-batch.js';
import { WindowAccumulator } from './window-accumulator.js';
import { WindowCloser } from './window-closer.js';

export type { WindowBatch } from './window-batch.js';

/** Options for HostWindows. */
export interface HostWindowsOptions {
  /** Window length in seconds. */
  windowSeconds: number;
  /** Most hosts tracked per window. */
  maxHosts: number;
  /** Flow-table size (`--flow.max`): flow slots are in [0, flowMax). */
  flowMax: number;
  /** Services (host, destination, protocol/port) the host history remembers (default DEFAULT_HISTORY_SIZE). */
  historySize?: number;
}

/**
 * Per-source-host features over fixed, epoch-aligned windows, for one stream
 * of packets: one WindowAccumulator and its WindowCloser, and the window
 * clock. Memory is fixed at construction; nothing is allocated per packet.
 */
export class HostWindows implements FlowSink {
  private readonly windowSeconds: number;
  private readonly accumulator: WindowAccumulator;
  private readonly closer: WindowCloser;

  /** @param onWindow receives every closed window that has at least one host. */
  constructor(
    opts: HostWindowsOptions,
    private readonly onWindow: (batch: WindowBatch) => void,
  ) {
    this.windowSeconds = opts.windowSeconds;
    this.closer = new WindowCloser(opts);
    this.accumulator = new WindowAccumulator(opts, this.closer);
  }

  /** Hosts dropped because the per-window cap was full (monotonic counter). */
  get untrackedHosts(): number {
    return this.closer.untrackedHosts + Math.round(this.accumulator.untrackedHosts);
  }

  /** What each host has used, saved with the model. */
  get history(): HostHistory {
    return this.closer.history;
  }

  /** Hosts tracked in the current window. */
  get trackedHosts(): number {
    return this.accumulator.trackedHosts;
  }

  /** Called for every decoded IP packet after the flow table update (see `WindowAccumulator.packet`); closes the window first when ts is past it. */
  packet(pkt: DecodedPacket, data: Uint8Array, wirelen: number, ts: number, flowSlot: number, reverse: boolean, newFlow: boolean): void {
    if (pkt.ipVersion === 0) return;
    const start = this.accumulator.start;
    if (Number.isNaN(start)) this.accumulator.reset(this.alignedStart(ts));
    else if (ts >= start + this.windowSeconds) this.advance(ts);
    else if (ts < start - this.windowSeconds) this.restart(ts);
    this.accumulator.packet(pkt, data, wirelen, ts, flowSlot, reverse, newFlow);
  }

  /** Called when a flow leaves the table (durations, failed flows, repeated sessions). */
  flowEnded(slot: number, flow: FlowRecord): void {
    this.accumulator.flowEnded(slot, flow);
  }

  /**
   * Closes and emits the window when ts is past its end (packet time; call
   * often). The next window is the one after it, or the one holding ts when
   * time skipped whole windows (they are empty): one close per call, however
   * far ts lies ahead.
   */
  advance(ts: number): void {
    const start = this.accumulator.start;
    if (!(ts >= start + this.windowSeconds)) return;
    const end = start + this.windowSeconds;
    this.emit(end);
    this.accumulator.reset(ts >= end + this.windowSeconds ? this.alignedStart(ts) : end);
  }

  /** Emits the current partial window (shutdown / end of replay). */
  flush(): void {
    const start = this.accumulator.start;
    if (Number.isNaN(start)) return;
    this.emit(start + this.windowSeconds);
    this.accumulator.reset(start);
  }

  /**
   * Time went back by more than a window (the next of several capture files
   * replayed into one pipeline): the current window is emitted and windows
   * start over from `ts`, rather than piling the earlier traffic into it.
   */
  private restart(ts: number): void {
    this.emit(this.accumulator.start + this.windowSeconds);
    this.accumulator.reset(this.alignedStart(ts));
  }

  private alignedStart(ts: number): number {
    return Math.floor(ts / this.windowSeconds) * this.windowSeconds;
  }

  private emit(end: number): void {
    const batch = this.closer.close([this.accumulator.close()], end);
    if (batch !== undefined) this.onWindow(batch);
  }
}
