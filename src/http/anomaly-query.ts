import type { AnomalyRing } from '../alerts/anomaly-ring.js';
import { FEATURES } from '../features/schema.js';
import { CATEGORIES, SEVERITIES, type Anomaly, type FeatureContribution } from '../model/anomaly.js';
import { HttpError } from './http-error.js';
import { parseQuery } from './query.js';

/** Most anomalies (or incidents) one `/api/anomalies` (`/api/incidents`) answer lists, and the default. */
export const LIMIT = { min: 1, default: 100, max: 1000 } as const;

/** The parameters of `/api/anomalies`. */
const SPEC = {
  limit: LIMIT,
  host: { address: true },
  category: { choices: CATEGORIES },
  severity: { choices: SEVERITIES },
  from: { time: true },
  to: { time: true },
} as const;

/** A top feature as `/api/anomalies` lists it: with the feature's unit and what it measures. */
export interface ExplainedContribution extends FeatureContribution {
  /** Unit of `value` and `median` (from the feature schema). */
  unit: string;
  /** What the feature measures (from the feature schema). */
  description: string;
}

const MEANING = new Map(FEATURES.map((f) => [f.name, { unit: f.unit, description: f.description }]));

/** Adds each feature's unit and meaning from the schema. */
export function explainFeatures<F extends FeatureContribution>(top: readonly F[]): (F & Omit<ExplainedContribution, keyof FeatureContribution>)[] {
  return top.map((f) => ({ ...f, ...(MEANING.get(f.feature) ?? { unit: '', description: '' }) }));
}

/**
 * The answer of `/api/anomalies?limit=&host=&category=&severity=&from=&to=`:
 * the most recent anomalies of the ring, newest first, of that host, category
 * and severity whose window overlaps [from, to] (times in seconds since the
 * epoch or ISO 8601), at most `limit`; each top feature says its unit and
 * meaning (none without a ring: scoring is off). A bad parameter is an HttpError 400 naming it.
 */
export function queryAnomalies(ring: AnomalyRing | undefined, query: Record<string, unknown>): (Omit<Anomaly, 'top_features'> & { top_features: ExplainedContribution[] })[] {
  const q = parseQuery(query, SPEC);
  const from = q.from ?? -Infinity;
  const to = q.to ?? Infinity;
  if (from > to) throw new HttpError(400, `query parameter "from" must not be later than "to"`);
  if (!ring) return [];
  return ring
    .recent(ring.capacity)
    .filter((a) => (q.host === undefined || a.host === q.host) && (q.category === undefined || a.category === q.category) && (q.severity === undefined || a.severity === q.severity) && a.window_end > from && a.window_start <= to)
    .slice(0, q.limit)
    .map((a) => ({ ...a, top_features: explainFeatures(a.top_features) }));
}
