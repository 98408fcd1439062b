import { Family, histogramSamples } from './family.js';

/** Upper bounds of `netscore_window_close_duration_seconds`: a window of a quiet link closes in well under 1 ms, a flood's in tens of ms. */
export const CLOSE_BUCKETS = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1] as const;

/** How long closing a window (features, scoring, anomaly outputs, an in-line fit) held up the packet path. */
export class WindowTiming {
  /** Observations by CLOSE_BUCKETS index (last: +Inf). */
  readonly counts = new Float64Array(CLOSE_BUCKETS.length + 1);
  /** Sum of observed seconds. */
  sum = 0;

  /** Records one window close that took `seconds`. */
  observe(seconds: number): void {
    let b = 0;
    while (b < CLOSE_BUCKETS.length && seconds > CLOSE_BUCKETS[b]) b++;
    this.counts[b]++;
    this.sum += seconds;
  }

  /** The histogram family. */
  family(): Family {
    return new Family(
      'netscore_window_close_duration_seconds',
      'Time taken to close a window: its features, scoring and anomaly outputs, and an in-line model fit when one is due, in seconds.',
      'histogram',
      () => histogramSamples({}, CLOSE_BUCKETS, this.counts, this.sum),
    );
  }
}
