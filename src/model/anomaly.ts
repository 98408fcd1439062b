import type { Peer } from '../features/peer-table.js';

/** Categories an anomaly is assigned from the features that dominate it. */
export const CATEGORIES = ['scan', 'flood', 'dns-tunnel', 'tunnel', 'brute-force', 'beacon', 'exfiltration', 'other'] as const;

/** One of CATEGORIES. */
export type AnomalyCategory = (typeof CATEGORIES)[number];

/** Severities, least severe first. */
export const SEVERITIES = ['warning', 'critical'] as const;

/** One of SEVERITIES. */
export type Severity = (typeof SEVERITIES)[number];

/** A feature that pushed a host-window towards anomalous, with the baseline it was compared to. */
export interface FeatureContribution {
  /** Feature name from the feature schema. */
  feature: string;
  /** The host's raw (untransformed) value in this window. */
  value: number;
  /** The median of the same raw feature over the model's training windows. */
  median: number;
}

/** Renders top features as one short line, e.g. `dst_ports=812 (median 3), rst_share=0.981 (median 0)`. */
export function describeFeatures(top: readonly FeatureContribution[]): string {
  const round = (v: number) => (Number.isInteger(v) ? String(v) : v.toPrecision(3));
  return top.map((f) => `${f.feature}=${round(f.value)} (median ${round(f.median)})`).join(', ');
}

/** Renders peers as one short line, e.g. `198.51.100.5:443 (200 packets), [2001:db8::1]:53 (4 packets)`. */
export function describePeers(peers: readonly Peer[]): string {
  return peers.map((p) => `${p.port === undefined ? p.address : `${p.address.includes(':') ? `[${p.address}]` : p.address}:${p.port}`} (${p.packets} packets)`).join(', ');
}

/**
 * A flagged (window, source host) pair. Field names are the JSON names used by
 * `/api/anomalies` and the anomaly log, so the object is serialised as is.
 */
export interface Anomaly {
  /** Window start, seconds since the epoch. */
  window_start: number;
  /** Window end (exclusive), seconds since the epoch. */
  window_end: number;
  /** Source host address in text form. */
  host: string;
  /** The model's score blended with the range excess, in [0, 1]; higher is more anomalous. */
  score: number;
  /** The alert threshold the score exceeded. */
  threshold: number;
  /** Category inferred from the dominating features. */
  category: AnomalyCategory;
  /** Severity from score and category. */
  severity: Severity;
  /** Top contributing features, most important first. */
  top_features: FeatureContribution[];
  /** The destinations (address, port) the host sent most packets to in the window, most first (at most PEERS_SHOWN). */
  peers: Peer[];
  /** Generation of the model that scored the window. */
  model_generation: number;
}
