import type { Registry } from 'prom-client';

/** Metric types netscore exposes. */
export type MetricType = 'counter' | 'gauge' | 'histogram';

/** One sample of a family; `suffix` is appended to the family name (e.g. `_bucket`). */
export interface Sample {
  /** Name suffix of the sample (`_bucket`, `_sum`, `_count`), empty for plain samples. */
  suffix?: string;
  /** Label set of the sample. */
  labels: Record<string, string | number>;
  /** Sample value. */
  value: number;
}

/**
 * A metric family whose samples are read at scrape time from plain counters
 * that the packet path updates, so nothing calls prom-client per packet.
 * It implements the part of prom-client's metric interface that a Registry uses.
 */
export class Family {
  /**
   * @param name full metric name, with `_total` for counters
   * @param help one full sentence
   * @param read returns the current samples
   */
  constructor(
    readonly name: string,
    readonly help: string,
    readonly type: MetricType,
    private readonly read: () => Sample[],
  ) {}

  /** prom-client's hook: returns the family in its JSON form. */
  get(): { name: string; help: string; type: MetricType; aggregator: 'sum'; values: { metricName: string; labels: Record<string, string | number>; value: number }[] } {
    return {
      name: this.name,
      help: this.help,
      type: this.type,
      aggregator: 'sum',
      values: this.read().map((s) => ({ metricName: this.name + (s.suffix ?? ''), labels: s.labels, value: s.value })),
    };
  }

  /** prom-client's hook; samples are derived, so there is nothing to reset. */
  reset(): void {}

  /** Adds this family to `registry`. */
  register(registry: Registry): this {
    registry.registerMetric(this as never);
    return this;
  }
}

/** Samples of a histogram from cumulative-free bucket counts (`counts[i]` observations ≤ `bounds[i]`, last slot +Inf). */
export function histogramSamples(labels: Record<string, string>, bounds: readonly number[], counts: ArrayLike<number>, sum: number): Sample[] {
  const out: Sample[] = [];
  let cumulative = 0;
  for (let i = 0; i <= bounds.length; i++) {
    cumulative += counts[i];
    out.push({ suffix: '_bucket', labels: { ...labels, le: i < bounds.length ? bounds[i] : '+Inf' }, value: cumulative });
  }
  out.push({ suffix: '_sum', labels, value: sum });
  out.push({ suffix: '_count', labels, value: cumulative });
  return out;
}
