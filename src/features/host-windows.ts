import type { DecodedPacket } from '../decode/decoded-packet.js';
import type { FlowRecord, FlowSink } from '../flows/flow-record.js';
import type { HostHistory } from './host-history.js';
import type { WindowBatch } from './window-batch.js';
import { WindowAccumulator } from './window-accumulator.js';
import { WindowClock } from './window-clock.js';
import { type Admission, WindowCloser } from './window-closer.js';
import type { FlowEvents } from './window-accumulator.js';
import type { PartialWindow } from './partial-window.js';

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
  /** First sightings each admission filter of the cross-window tables remembers (default DEFAULT_DOORKEEPER_SLOTS). */
  doorkeeperSlots?: number;
}

/**
 * Per-source-host features over fixed, epoch-aligned windows, for one stream
 * of packets: one WindowAccumulator and its WindowCloser, and the window
 * clock. Memory is fixed at construction; nothing is allocated per packet.
 */
export class HostWindows implements FlowSink {
  private readonly clock: WindowClock;
  private readonly accumulator: WindowAccumulator;
  private readonly closer: WindowCloser;
  /** Hosts tracked by accumulators outside this object (capture workers), read at scrape time. */
  remoteTracked: () => number = () => 0;

  /** @param onWindow receives every closed window that has at least one host. */
  constructor(
    opts: HostWindowsOptions,
    private readonly onWindow: (batch: WindowBatch) => void,
  ) {
    this.clock = new WindowClock(opts.windowSeconds);
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

  /** The admission filters of the cross-window tables (their counts are exported). */
  get admission(): Admission {
    return this.closer.admission;
  }

  /** Hosts tracked in the current window. */
  get trackedHosts(): number {
    return this.accumulator.trackedHosts + this.remoteTracked();
  }

  /** Called for every decoded IP packet after the flow table update (see `WindowAccumulator.packet`); closes the window first when ts is past it. */
  packet(pkt: DecodedPacket, data: Uint8Array, wirelen: number, ts: number, flowSlot: number, reverse: boolean, newFlow: boolean): void {
    if (pkt.ipVersion === 0) return;
    if (this.clock.packet(ts)) this.turn();
    this.accumulator.packet(pkt, data, wirelen, ts, flowSlot, reverse, newFlow);
  }

  /** Called when a flow leaves the table (durations, failed flows, repeated sessions). */
  flowEnded(slot: number, flow: FlowRecord): void {
    this.accumulator.flowEnded(slot, flow);
  }

  /** Closes and emits the window when ts is past its end (packet time; call often); see `WindowClock.advance`. */
  advance(ts: number): void {
    if (this.clock.advance(ts)) this.turn();
  }

  /** Emits the current partial window (shutdown / end of replay). */
  flush(): void {
    if (this.clock.flush()) this.turn();
  }

  /**
   * Closes a window whose partial `w` was merged from capture workers' partials
   * (this object's own accumulator stays empty then): `replay` first hands the
   * closer the workers' flow events of the window, in the order one stream
   * would have produced them.
   */
  closeMerged(w: PartialWindow, end: number, replay: (events: FlowEvents) => void): void {
    replay(this.closer);
    const batch = this.closer.close([w], end);
    if (batch !== undefined) this.onWindow(batch);
  }

  private turn(): void {
    const { end, next } = this.clock;
    if (!Number.isNaN(end)) {
      const batch = this.closer.close([this.accumulator.close()], end);
      if (batch !== undefined) this.onWindow(batch);
    }
    this.accumulator.reset(next);
  }
}
