import type { Incident, Incidents } from '../alerts/incidents.js';
import { CATEGORIES, SEVERITIES } from '../model/anomaly.js';
import { explainFeatures, LIMIT } from './anomaly-query.js';
import { HttpError } from './http-error.js';
import { parseQuery } from './query.js';

/** The parameters of `/api/incidents`: those of `/api/anomalies`, and the state. */
const SPEC = {
  limit: LIMIT,
  host: { address: true },
  category: { choices: CATEGORIES },
  severity: { choices: SEVERITIES },
  state: { choices: ['open', 'closed'] },
  from: { time: true },
  to: { time: true },
} as const;

/**
 * The answer of `/api/incidents?limit=&host=&category=&severity=&state=&from=&to=`:
 * open incidents then closed ones, each newest first, that involve that
 * address (as a host or a victim), of that category, severity and state, and
 * overlap [from, to] (seconds since the epoch or ISO 8601), at most `limit`;
 * each top feature says its unit and meaning (none without incidents:
 * scoring is off). A bad parameter is an HttpError 400 naming it.
 */
export function queryIncidents(incidents: Pick<Incidents, 'list'> | undefined, query: Record<string, unknown>): Incident[] {
  const q = parseQuery(query, SPEC);
  const from = q.from ?? -Infinity;
  const to = q.to ?? Infinity;
  if (from > to) throw new HttpError(400, `query parameter "from" must not be later than "to"`);
  if (!incidents) return [];
  return incidents
    .list()
    .filter(
      (i) =>
        (q.host === undefined || i.hosts.includes(q.host) || i.victims.includes(q.host)) &&
        (q.category === undefined || i.category === q.category) &&
        (q.severity === undefined || i.severity === q.severity) &&
        (q.state === undefined || i.state === q.state) &&
        i.end > from &&
        i.start <= to,
    )
    .slice(0, q.limit)
    .map((i) => ({ ...i, top_features: explainFeatures(i.top_features) }));
}
