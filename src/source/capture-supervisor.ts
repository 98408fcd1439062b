import { setTimeout as sleep } from 'node:timers/promises';
import { isInterfaceDown, LiveSource, type CaptureStats, type LiveSourceOptions } from './live-source.js';
import { CaptureError, registerSource, type PacketSink, type PacketSource, type SourceEvents } from './source.js';

/** Backoff between reopen attempts, in milliseconds: doubles from the first to the last. */
export const BACKOFF_MS = { first: 1000, max: 30_000 } as const;

/** What a supervisor reports about its interface. */
export type SupervisorEvents = SourceEvents;

registerSource('live', (iface, s) => new CaptureSupervisor({ interface: iface, filter: s.filter, snaplen: s.snaplen, bufferSize: s.bufferSize, promiscuous: s.promiscuous, fanout: s.fanout }, s.events ?? { down: () => undefined, up: () => undefined }));

/**
 * Keeps one interface captured: runs a LiveSource, and when it fails, marks
 * the capture down and reopens it with exponential backoff until it comes
 * back or `stop()` is called. Counters stay monotonic across reopens.
 */
export class CaptureSupervisor implements PacketSource {
  /** Interface name. */
  readonly iface: string;
  /** libpcap's warning from the last open(), if any. */
  warning: string | undefined;
  /** Whether the capture is currently delivering packets. */
  up = false;
  private options: LiveSourceOptions;
  /** The open source; undefined during an outage. */
  private source: LiveSource | undefined;
  private stopped = false;
  /** Counters of the sources that have failed and been closed. */
  private readonly base: CaptureStats = { received: 0, dropped: 0, ifDropped: 0 };
  private readonly wake = new AbortController();

  /** Nothing is opened until open(), which also validates the options. */
  constructor(
    options: LiveSourceOptions,
    private readonly events: SupervisorEvents,
  ) {
    this.iface = options.interface;
    this.options = { ...options };
  }

  /**
   * Opens the interface (call it before dropping privileges); resolves to
   * libpcap's activation warning, if any. A missing interface, bad filter or
   * missing permission throws a CaptureError; an interface that exists but is
   * down starts an outage instead (reported with `down`, retried by run()).
   */
  open(): string | undefined {
    const source = new LiveSource(this.options);
    try {
      source.open();
    } catch (err) {
      if (!isInterfaceDown(err)) throw err;
      this.events.down(this.iface, (err as Error).message);
      return undefined;
    }
    this.source = source;
    this.warning = source.warning;
    return source.warning;
  }

  /** The interface name. */
  get name(): string {
    return this.iface;
  }

  /** Cumulative counters over every handle opened so far. */
  stats(): CaptureStats {
    const s = this.source?.stats() ?? { received: 0, dropped: 0, ifDropped: 0 };
    return { received: this.base.received + s.received, dropped: this.base.dropped + s.dropped, ifDropped: this.base.ifDropped + s.ifDropped };
  }

  /**
   * Replaces the BPF filter (undefined: none) on the open handle and for
   * later reopens. A bad filter throws a CaptureError and changes nothing.
   */
  setFilter(filter: string | undefined): void {
    this.source?.setFilter(filter);
    this.options = { ...this.options, filter };
  }

  /** Captures into `sink` until stop(); resolves then. Never rejects on capture failures. */
  async run(sink: PacketSink): Promise<void> {
    let delay: number = BACKOFF_MS.first;
    while (!this.stopped) {
      if (this.source === undefined) {
        await sleep(delay, undefined, { signal: this.wake.signal }).catch(() => undefined);
        if (this.stopped) break;
        delay = Math.min(delay * 2, BACKOFF_MS.max);
        const source = new LiveSource(this.options);
        try {
          source.open();
        } catch (err) {
          // Still gone or down: the outage was reported once already.
          if (!(err instanceof CaptureError)) throw err;
          continue;
        }
        this.source = source;
        delay = BACKOFF_MS.first;
        this.events.up(this.iface);
      }
      try {
        this.up = true;
        await this.source.run(sink);
        this.up = false;
      } catch (err) {
        this.up = false;
        if (!(err instanceof CaptureError)) throw err;
        // run() has closed the handle, so these are its final counters.
        const s = this.source.stats();
        this.base.received += s.received;
        this.base.dropped += s.dropped;
        this.base.ifDropped += s.ifDropped;
        this.source = undefined;
        this.events.down(this.iface, err.message);
      }
    }
  }

  /** Stops capturing; the pending run() resolves. */
  stop(): void {
    this.stopped = true;
    this.wake.abort();
    this.source?.stop();
  }
}
