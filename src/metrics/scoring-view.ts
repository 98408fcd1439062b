import type { HostBaselines } from '../alerts/host-baselines.js';
import type { Incidents } from '../alerts/incidents.js';
import type { TopHosts } from '../alerts/top-hosts.js';
import type { Detector } from '../model/detector.js';
import type { HostWindows } from '../features/host-windows.js';
import type { HostDeviation } from '../model/host-deviation.js';

/** Upper bounds of `netscore_anomaly_score`; resolution is finest near typical thresholds. */
export const SCORE_BUCKETS = [0.3, 0.4, 0.5, 0.55, 0.6, 0.65, 0.7, 0.8, 0.9, 1] as const;

/** What the scoring collectors read at scrape time. */
export interface ScoringView {
  /** Host-window rows scored. */
  readonly windowsScored: number;
  /** Score histogram counts by SCORE_BUCKETS index (last: +Inf). */
  readonly scoreBuckets: Float64Array;
  /** Sum of scores. */
  readonly scoreSum: number;
  /** Anomalies by `severity * CATEGORIES.length + category`. */
  readonly anomalies: Float64Array;
  /** p50, p99, max of each feature over the hosts of the last window. */
  readonly featureStats: Float64Array;
  /** Feature names in featureStats order. */
  readonly featureNames: readonly string[];
  /** Model lifecycle. */
  readonly detector: Pick<Detector, 'state' | 'generation' | 'lastTrainedAt' | 'trainingSamples' | 'threshold' | 'suppressed' | 'oneSided'>;
  /** Host tracking. */
  readonly windows: Pick<HostWindows, 'trackedHosts' | 'untrackedHosts' | 'history' | 'admission'>;
  /** Per-host baselines (their eviction count). */
  readonly hostDeviation: Pick<HostDeviation, 'evicted'>;
  /** Top anomalous hosts. */
  readonly top: Pick<TopHosts, 'entries' | 'k' | 'holdSeconds'>;
  /** Incidents. */
  readonly incidents: Pick<Incidents, 'ranked' | 'closedCounts' | 'closedEarly' | 'forgotten'>;
  /** Hosts' own baselines. */
  readonly baselines: Pick<HostBaselines, 'size' | 'evicted'>;
}
