import type { Server as HttpsServer } from 'node:https';
import type { Server } from 'node:http';
import type { Logger } from 'pino';
import type { Registry } from 'prom-client';
import { HttpStats } from '../http/http-stats.js';
import type { LandingSection } from '../http/landing.js';
import { parseListenAddress } from '../http/listen-address.js';
import { createApp, listen, telemetryPathProblem } from '../http/server.js';
import { applyTls } from '../http/tls-settings.js';
import { TrustedClients } from '../http/trusted-clients.js';
import { WebConfigWatcher } from '../http/web-config-watcher.js';
import { webFamilies } from '../http/web-metrics.js';
import { addDefaultMetrics } from '../metrics/registry.js';
import { OptionError, type OptionValues } from './options.js';

/**
 * Starts the HTTP server on every address, with the `--web.config.file`
 * settings (TLS, basic auth, headers; re-read when the file changes) and the
 * `--web.*` limits; resolves to a function that closes it. Throws a one-line
 * Error when the web config is unusable or an address cannot be bound, after
 * closing whatever it had opened.
 */
export async function serve(
  addresses: readonly string[],
  o: OptionValues,
  registry: Registry,
  log: Logger,
  extra: { sections?: () => LandingSection[]; api?: Record<string, (q: Record<string, unknown>) => unknown> } = {},
): Promise<() => Promise<void>> {
  const parsed = addresses.map((a) => {
    try {
      return parseListenAddress(a);
    } catch (err) {
      throw new OptionError((err as Error).message, { cause: err });
    }
  });
  const telemetryPath = o['web.telemetry-path'];
  const pathProblem = telemetryPathProblem(telemetryPath);
  if (pathProblem) throw new OptionError(pathProblem);
  const configFile = o['web.config.file'];
  const watcher = configFile ? await WebConfigWatcher.start(configFile, log, o['web.auth.max-checks-per-client']) : undefined;
  // The process default metrics are loaded only to be served (createRegistry leaves them out).
  addDefaultMetrics(registry);
  const stats = new HttpStats();
  for (const family of webFamilies(stats, watcher)) family.register(registry);
  const trusted = new TrustedClients();
  const app = createApp({
    registry,
    telemetryPath,
    ...extra,
    access: () => (watcher ? { headers: watcher.current.config.headers, auth: watcher.current.auth } : { headers: {} }),
    stats,
    trusted,
    onError: (err) => log.error({ err: err.message }, 'HTTP handler failed'),
  });
  const limits = {
    readTimeoutMs: (o['web.read-timeout']) * 1000,
    maxConnections: o['web.max-connections'],
    maxHeaderSize: o['web.max-header-size'],
    maxConnectionsPerClient: o['web.max-connections-per-client'],
    reservedConnections: o['web.reserved-connections'],
    firstRequestTimeoutMs: (o['web.first-request-timeout']) * 1000,
    maxPipelinedRequests: o['web.max-pipelined-requests'],
  };
  const tls = () => watcher?.current.config.tls;
  const servers: Server[] = [];
  const close = async () => {
    watcher?.close();
    await Promise.all(
      servers.map(
        (s) =>
          new Promise<void>((resolve) => {
            s.close(() => resolve());
            s.closeAllConnections();
          }),
      ),
    );
  };
  try {
    for (const [i, address] of parsed.entries()) {
      const server = await listen(app, address, addresses[i], limits, stats, tls, trusted);
      servers.push(server);
      const bound = server.address();
      log.info({ address: typeof bound === 'object' && bound ? `${bound.family === 'IPv6' ? `[${bound.address}]` : bound.address}:${bound.port}` : addresses[i], tls: Boolean(tls()) }, 'listening');
    }
  } catch (err) {
    await close();
    throw err;
  }
  watcher?.onChange((next) => {
    if (next.config.tls) for (const s of servers) applyTls(s as HttpsServer, next.config.tls);
  });
  return close;
}
