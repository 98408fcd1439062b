/**
 * The window clock of one stream of packets: fixed, epoch-aligned windows
 * driven by packet time. Each call says whether the window turns; then `end`
 * is the end of the window to close (NaN when none was open) and `next` the
 * start of the window to open. Capture workers run identical clocks on the
 * same calls, so they turn at the same packets.
 */
export class WindowClock {
  /** Start of the open window (NaN before the first packet). */
  start = NaN;
  /** End of the window closed by the last turn (NaN: the first window opened). */
  end = NaN;
  /** Start of the window opened by the last turn. */
  next = NaN;

  constructor(readonly windowSeconds: number) {}

  /**
   * A packet at `ts` is about to be accounted: the first opens a window; one
   * past the open window closes it; one more than a window before it (the
   * next of several files replayed into one pipeline) closes it and starts
   * over from ts rather than piling earlier traffic into it.
   */
  packet(ts: number): boolean {
    const start = this.start;
    if (Number.isNaN(start)) return this.turn(NaN, this.aligned(ts));
    if (ts >= start + this.windowSeconds) return this.advance(ts);
    if (ts < start - this.windowSeconds) return this.turn(start + this.windowSeconds, this.aligned(ts));
    return false;
  }

  /**
   * Turns when ts is past the open window. The next window is the one after
   * it, or the one holding ts when time skipped whole windows (they are
   * empty): one turn per call, however far ts lies ahead.
   */
  advance(ts: number): boolean {
    const start = this.start;
    if (!(ts >= start + this.windowSeconds)) return false;
    const end = start + this.windowSeconds;
    return this.turn(end, ts >= end + this.windowSeconds ? this.aligned(ts) : end);
  }

  /** Closes the open window and opens it again empty (shutdown, end of replay); false when none is open. */
  flush(): boolean {
    const start = this.start;
    if (Number.isNaN(start)) return false;
    return this.turn(start + this.windowSeconds, start);
  }

  private turn(end: number, next: number): boolean {
    this.end = end;
    this.next = next;
    this.start = next;
    return true;
  }

  private aligned(ts: number): number {
    return Math.floor(ts / this.windowSeconds) * this.windowSeconds;
  }
}
