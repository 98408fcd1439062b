import type { Server } from 'node:http';
import type { Logger } from 'pino';
import type { Registry } from 'prom-client';
import type { LandingSection } from '../http/landing.js';
import { parseListenAddress } from '../http/listen-address.js';
import { createApp, listen } from '../http/server.js';
import type { OptionValues } from './options.js';

/** Starts the HTTP server on `address`; resolves to a function that closes it. */
export async function serve(
  address: string,
  o: OptionValues,
  registry: Registry,
  log: Logger,
  extra: { sections?: () => LandingSection[]; api?: Record<string, (q: Record<string, unknown>) => unknown> } = {},
): Promise<() => Promise<void>> {
  const parsed = parseListenAddress(address);
  const app = createApp({ registry, telemetryPath: o['web.telemetry-path'] as string, ...extra });
  const server: Server = await listen(app, parsed, address);
  const bound = server.address();
  log.info({ address: typeof bound === 'object' && bound ? `${bound.address}:${bound.port}` : address }, 'listening');
  return () =>
    new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    });
}
