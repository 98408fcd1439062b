/** A one-line progress display for long replays, drawn on stderr only when it is a terminal. */
export class Progress {
  private timer: NodeJS.Timeout | undefined;
  private readonly started = Date.now();

  /** @param read returns [done, total] in bytes (total 0 when unknown) and packets so far */
  constructor(
    private readonly stream: NodeJS.WriteStream,
    private readonly read: () => { done: number; total: number; packets: number },
  ) {}

  /** Starts redrawing every 200 ms if the stream is a terminal. */
  start(): this {
    if (this.stream.isTTY) this.timer = setInterval(() => this.draw(), 200).unref();
    return this;
  }

  /** Stops and clears the line. */
  stop(): void {
    if (!this.timer) return;
    clearInterval(this.timer);
    this.timer = undefined;
    this.stream.write('\r\x1b[K');
  }

  private draw(): void {
    const { done, total, packets } = this.read();
    const secs = (Date.now() - this.started) / 1000;
    const rate = secs > 0 ? packets / secs : 0;
    const width = 30;
    const frac = total > 0 ? Math.min(1, done / total) : 0;
    const bar = total > 0 ? `[${'#'.repeat(Math.round(frac * width)).padEnd(width, '.')}] ${(frac * 100).toFixed(0).padStart(3)}% ` : '';
    this.stream.write(`\r\x1b[K${bar}${packets.toLocaleString('en-US')} packets, ${Math.round(rate).toLocaleString('en-US')}/s`);
  }
}
