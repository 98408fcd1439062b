import { performance } from 'node:perf_hooks';

/** Maps packet timestamps to wall-clock delivery times at `speed` times real time. */
export class Pacer {
  private baseTs = Number.NaN;
  private baseWall = 0;

  /** @param speed replay rate; 1 = real time, 2 = twice as fast */
  constructor(private readonly speed: number) {}

  /** Milliseconds to wait before delivering a packet stamped `sec`.`nsec`; <= 0 means it is due. */
  delayMs(sec: number, nsec: number): number {
    const ts = sec + nsec / 1e9;
    const now = performance.now();
    if (Number.isNaN(this.baseTs)) {
      this.baseTs = ts;
      this.baseWall = now;
      return 0;
    }
    return this.baseWall + ((ts - this.baseTs) * 1000) / this.speed - now;
  }
}
