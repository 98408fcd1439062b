import { Family } from '../metrics/family.js';
import { DROP_REASONS, type HttpStats } from './http-stats.js';
import type { WebConfigWatcher } from './web-config-watcher.js';

/** Families of the HTTP server, plus those of the web config reloads when a web config file is in use. */
export function webFamilies(stats: HttpStats, watcher?: WebConfigWatcher): Family[] {
  const families = [
    new Family('netscore_http_requests_total', 'HTTP requests answered, by handler and status code.', 'counter', () =>
      [...stats.requests.values()].map((r) => ({ labels: { handler: r.handler, code: String(r.code) }, value: r.count })),
    ),
    new Family('netscore_http_connections_dropped_total', 'HTTP connections or requests the server dropped before any handler, by reason.', 'counter', () =>
      DROP_REASONS.map((reason) => ({ labels: { reason }, value: stats.dropped[reason] })),
    ),
  ];
  if (!watcher) return families;
  return [
    ...families,
    new Family('netscore_web_config_last_reload_successful', 'Whether the last reload of the web config file succeeded (1) or failed and the previous configuration is still in force (0).', 'gauge', () => [
      { labels: {}, value: watcher.lastReloadSuccessful ? 1 : 0 },
    ]),
    new Family('netscore_web_config_last_reload_success_timestamp_seconds', 'Unix time of the last successful load of the web config file.', 'gauge', () => [
      { labels: {}, value: watcher.lastSuccessTime },
    ]),
    new Family('netscore_web_config_reloads_total', 'Reloads of the web config file after it changed, by result (success or failure).', 'counter', () => [
      { labels: { result: 'success' }, value: watcher.reloads.success },
      { labels: { result: 'failure' }, value: watcher.reloads.failure },
    ]),
  ];
}
