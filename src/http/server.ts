import type { Server } from 'node:http';
import express, { type Request, type Response } from 'express';
import type { Registry } from 'prom-client';
import { negotiate, render } from '../metrics/exposition.js';
import { VERSION } from '../util/version.js';
import { landingPage, type LandingSection } from './landing.js';
import type { ListenAddress } from './listen-address.js';

/** What the HTTP server exposes. */
export interface HttpOptions {
  /** Registry rendered at the telemetry path. */
  registry: Registry;
  /** Path of the metrics endpoint, e.g. `/metrics`. */
  telemetryPath: string;
  /** Extra landing-page sections, computed per request. */
  sections?: () => LandingSection[];
  /** Extra JSON API routes under `/api/`, e.g. `{ anomalies: (req) => [...] }`. */
  api?: Record<string, (query: Record<string, unknown>) => unknown>;
}

/** Builds the express application: landing page, health, metrics and the JSON API. */
export function createApp(opts: HttpOptions): express.Express {
  const app = express();
  app.disable('x-powered-by');
  app.get(opts.telemetryPath, async (req: Request, res: Response) => {
    const type = negotiate(req.get('accept'));
    res.type(type).send(await render(opts.registry, type));
  });
  app.get('/healthz', (_req, res) => {
    res.type('text/plain').send('ok\n');
  });
  for (const [name, handler] of Object.entries(opts.api ?? {})) {
    app.get(`/api/${name}`, (req, res) => {
      res.json(handler(req.query as Record<string, unknown>));
    });
  }
  app.get('/', (_req, res) => {
    const links = [
      { href: opts.telemetryPath, text: 'Metrics' },
      { href: '/healthz', text: 'Health' },
      ...Object.keys(opts.api ?? {}).map((n) => ({ href: `/api/${n}`, text: `API: ${n}` })),
    ];
    res.type('html').send(landingPage(VERSION, links, opts.sections?.() ?? []));
  });
  app.use((_req: Request, res: Response) => {
    res.status(404).type('text/plain').send('not found\n');
  });
  // Express recognises error handlers by their four parameters.
  app.use((err: Error, _req: Request, res: Response, _next: unknown) => {
    res.status(500).type('text/plain').send(`internal error: ${err.message.split('\n')[0]}\n`);
  });
  return app;
}

/** Starts listening; rejects with a one-line Error when the address cannot be bound. */
export function listen(app: express.Express, address: ListenAddress, label: string): Promise<Server> {
  return new Promise((resolve, reject) => {
    const server = app.listen({ host: address.host || undefined, port: address.port });
    server.once('listening', () => resolve(server));
    server.once('error', (err: NodeJS.ErrnoException) => {
      const why = err.code === 'EADDRINUSE' ? 'address already in use' : err.code === 'EACCES' ? 'permission denied' : err.message;
      reject(new Error(`cannot listen on ${label}: ${why}`, { cause: err }));
    });
    server.headersTimeout = 10_000;
    server.requestTimeout = 30_000;
  });
}
