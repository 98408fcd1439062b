import { createServer as createHttpServer, type Server } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import { parse as parseQueryString } from 'node:querystring';
import type { Duplex } from 'node:stream';
import type { TLSSocket } from 'node:tls';
import express, { type NextFunction, type Request, type Response } from 'express';
import type { Registry } from 'prom-client';
import { negotiate, render } from '../metrics/exposition.js';
import { VERSION } from '../util/version.js';
import type { BasicAuth } from './basic-auth.js';
import { HttpError } from './http-error.js';
import type { DropReason, HttpStats } from './http-stats.js';
import { landingPage, type LandingSection } from './landing.js';
import type { ListenAddress } from './listen-address.js';
import { clientCertPolicy, peerRejection, secureContextOptions } from './tls-settings.js';
import type { TlsServerConfig } from './web-config.js';

/** Access settings read per request: extra headers and, when configured, basic authentication. */
export interface Access {
  /** Headers set on every response. */
  headers: Readonly<Record<string, string>>;
  /** Password checker; undefined serves without authentication. */
  auth?: BasicAuth;
}

/** What the HTTP server exposes. */
export interface HttpOptions {
  /** Registry rendered at the telemetry path. */
  registry: Registry;
  /** Path of the metrics endpoint, e.g. `/metrics`. */
  telemetryPath: string;
  /** Extra landing-page sections, computed per request. */
  sections?: () => LandingSection[];
  /** Extra JSON API routes under `/api/`, e.g. `{ anomalies: (req) => [...] }`; a handler throws HttpError for a bad query. */
  api?: Record<string, (query: Record<string, unknown>) => unknown>;
  /** Current access settings (default: no headers, no authentication). */
  access?: () => Access;
  /** Request counters. */
  stats?: HttpStats;
  /** Told about errors that became a 500; the client sees no detail. */
  onError?: (err: Error) => void;
}

/** Query strings are cut after this many parameters; the API rejects parameters it does not know. */
const MAX_QUERY_KEYS = 16;

const OPEN: Access = { headers: {} };

/**
 * Builds the express application: landing page, health, metrics and the JSON
 * API. Every response carries the configured headers; every path but
 * `/healthz` (a constant "ok" for health checks) needs the configured basic
 * authentication, unknown paths included, so that nothing answers an
 * unauthenticated client but 401.
 */
export function createApp(opts: HttpOptions): express.Express {
  const app = express();
  const access = opts.access ?? (() => OPEN);
  const apiNames = Object.keys(opts.api ?? {});
  const handlers = new Set([opts.telemetryPath, '/', '/healthz', ...apiNames.map((n) => `/api/${n}`)]);
  app.disable('x-powered-by');
  app.set('query parser', (q: string) => parseQueryString(q, '&', '=', { maxKeys: MAX_QUERY_KEYS }));
  app.use((req: Request, res: Response, next: NextFunction) => {
    res.set(access().headers);
    const stats = opts.stats;
    if (stats) {
      const handler = handlers.has(req.path) ? req.path : 'other';
      res.once('finish', () => stats.request(handler, res.statusCode));
    }
    next();
  });
  app.get('/healthz', (_req, res) => {
    res.type('text/plain').send('ok\n');
  });
  app.use(async (req: Request, res: Response, next: NextFunction) => {
    const { auth } = access();
    if (!auth) return next();
    const result = await auth.check(req.get('authorization'));
    if (result === 'busy') {
      res.status(429).set('Retry-After', '1').type('text/plain').send('too many authentication checks under way\n');
    } else if (result) {
      next();
    } else {
      res.status(401).set('WWW-Authenticate', 'Basic realm="netscore", charset="UTF-8"').type('text/plain').send('unauthorized\n');
    }
  });
  app.get(opts.telemetryPath, async (req: Request, res: Response) => {
    const type = negotiate(req.get('accept'));
    res.type(type).send(await render(opts.registry, type));
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
      ...apiNames.map((n) => ({ href: `/api/${n}`, text: `API: ${n}` })),
    ];
    res.type('html').send(landingPage(VERSION, links, opts.sections?.() ?? []));
  });
  app.use((_req: Request, res: Response) => {
    res.status(404).type('text/plain').send('not found\n');
  });
  // Express recognises error handlers by their four parameters. Nothing of the error but an HttpError's line reaches the client.
  app.use((err: Error, req: Request, res: Response, _next: NextFunction) => {
    if (res.headersSent) {
      req.socket.destroy();
      return;
    }
    const status = err instanceof HttpError ? err.status : Number((err as { status?: unknown }).status);
    if (status >= 400 && status < 500) {
      res.status(status).type('text/plain').send(`${err instanceof HttpError ? err.message : 'bad request'}\n`);
      return;
    }
    opts.onError?.(err);
    res.status(500).type('text/plain').send('internal server error\n');
  });
  return app;
}

/** Bounds on what one client can hold or send. */
export interface ServerLimits {
  /** Most time to receive a request's headers and body or complete a TLS handshake; twice that on a silent connection. */
  readTimeoutMs: number;
  /** Most open connections per listener; more are closed at once. */
  maxConnections: number;
  /** Largest request line plus headers, in bytes; more gets 431. */
  maxHeaderSize: number;
}

/**
 * Starts serving `app` on `address` with `limits`, over TLS when `tls()`
 * returns settings (read again for every connection's client-certificate
 * checks; new certificates are installed with applyTls). Rejects with a
 * one-line Error naming `label` when the address cannot be bound.
 */
export function listen(app: express.Express, address: ListenAddress, label: string, limits: ServerLimits, stats: HttpStats, tls?: () => TlsServerConfig | undefined): Promise<Server> {
  const ms = limits.readTimeoutMs;
  const common = {
    maxHeaderSize: limits.maxHeaderSize,
    requestTimeout: ms,
    headersTimeout: ms,
    keepAliveTimeout: Math.min(5000, ms),
    // Node checks the two timeouts above only this often (30 s by default).
    connectionsCheckingInterval: Math.max(100, Math.min(1000, ms / 4)),
  };
  const t = tls?.();
  const server: Server = t ? createHttpsServer({ ...common, ...secureContextOptions(t), ...clientCertPolicy(t), handshakeTimeout: ms }, app) : createHttpServer(common, app);
  server.maxConnections = limits.maxConnections;
  // Longer than the request timeouts, so that a slow request gets its 408 first; this catches clients that stop reading.
  server.setTimeout(2 * ms, (socket) => {
    stats.drop('timeout');
    socket.destroy();
  });
  server.on('drop', () => stats.drop('max_connections'));
  server.on('clientError', (err: NodeJS.ErrnoException, socket: Duplex) => {
    if (err.code === 'ECONNRESET' || !socket.writable) {
      socket.destroy();
      return;
    }
    const [reason, status]: [DropReason, string] =
      err.code === 'HPE_HEADER_OVERFLOW' ? ['header_too_large', '431 Request Header Fields Too Large'] : err.code === 'ERR_HTTP_REQUEST_TIMEOUT' ? ['timeout', '408 Request Timeout'] : ['malformed', '400 Bad Request'];
    stats.drop(reason);
    socket.end(`HTTP/1.1 ${status}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
  });
  if (t) {
    server.on('tlsClientError', () => stats.drop('tls_handshake'));
    server.on('secureConnection', (socket: TLSSocket) => {
      const now = tls!();
      if (now && peerRejection(socket, now)) {
        stats.drop('client_certificate');
        socket.destroy();
      }
    });
  }
  return new Promise((resolve, reject) => {
    const onError = (err: NodeJS.ErrnoException) => {
      const why = err.code === 'EADDRINUSE' ? 'address already in use' : err.code === 'EACCES' ? 'permission denied' : err.code === 'EADDRNOTAVAIL' ? 'address not available' : err.message;
      reject(new Error(`cannot listen on ${label}: ${why}`, { cause: err }));
    };
    server.once('error', onError);
    server.listen({ host: address.host || undefined, port: address.port }, () => {
      server.off('error', onError);
      resolve(server);
    });
  });
}
