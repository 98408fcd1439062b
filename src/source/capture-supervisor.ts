import { setTimeout as sleep } from 'node:timers/promises';
import type { CaptureStats, LiveSource } from './live-source.js';
import { CaptureError, type PacketSink } from './source.js';

/** Backoff between reopen attempts, in milliseconds: doubles from the first to the last. */
export const BACKOFF_MS = { first: 1000, max: 30_000 } as const;

/** What a supervisor reports about its interface. */
export interface SupervisorEvents {
  /** The capture failed (the interface went away or down); called once per outage. */
  down(iface: string, message: string): void;
  /** The capture is delivering again after an outage. */
  up(iface: string): void;
}

/**
 * Keeps one interface captured: runs a LiveSource, and when it fails, marks
 * the capture down and reopens it with exponential backoff until it comes
 * back or `stop()` is called. Counters stay monotonic across reopens.
 */
export class CaptureSupervisor {
  /** Whether the capture is currently delivering packets. */
  up = false;
  private source: LiveSource;
  private stopped = false;
  private readonly base: CaptureStats = { received: 0, dropped: 0, ifDropped: 0 };
  private readonly wake = new AbortController();

  /** @param make opens a new source for the interface (the first one is already open) */
  constructor(
    first: LiveSource,
    private readonly make: () => LiveSource,
    private readonly events: SupervisorEvents,
  ) {
    this.source = first;
  }

  /** Interface name. */
  get iface(): string {
    return this.source.name;
  }

  /** Cumulative counters over every handle opened so far. */
  stats(): CaptureStats {
    const s = this.source.stats();
    return { received: this.base.received + s.received, dropped: this.base.dropped + s.dropped, ifDropped: this.base.ifDropped + s.ifDropped };
  }

  /** Captures into `sink` until stop(); resolves then. Never rejects on capture failures. */
  async run(sink: PacketSink): Promise<void> {
    let delay: number = BACKOFF_MS.first;
    let outage = false;
    while (!this.stopped) {
      try {
        if (outage) {
          this.source = this.make();
          this.source.open();
          outage = false;
          delay = BACKOFF_MS.first;
          this.events.up(this.iface);
        }
        this.up = true;
        await this.source.run(sink);
        this.up = false;
      } catch (err) {
        this.up = false;
        if (!(err instanceof CaptureError)) throw err;
        const s = this.source.stats();
        this.base.received += s.received;
        this.base.dropped += s.dropped;
        this.base.ifDropped += s.ifDropped;
        this.source.close();
        if (!outage) this.events.down(this.iface, err.message);
        outage = true;
        await sleep(delay, undefined, { signal: this.wake.signal }).catch(() => undefined);
        delay = Math.min(delay * 2, BACKOFF_MS.max);
      }
    }
  }

  /** Stops capturing; the pending run() resolves. */
  stop(): void {
    this.stopped = true;
    this.wake.abort();
    this.source.stop();
  }
}
