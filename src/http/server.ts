import { createServer as createHttpServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { Socket } from 'node:net';
import { parse as parseQueryString } from 'node:querystring';
import type { Duplex } from 'node:stream';
import type { TLSSocket } from 'node:tls';
import type { Registry } from 'prom-client';
import { negotiate, render } from '../metrics/exposition.js';
import { VERSION } from '../util/version.js';
import type { BasicAuth } from './basic-auth.js';
import { clientAddress, ConnectionGate, type Handler } from './connection-gate.js';
import { HttpError } from './http-error.js';
import type { DropReason, HttpStats } from './http-stats.js';
import { landingPage, type LandingSection } from './landing.js';
import { HTTP_LIMIT_DEFAULTS } from './limits.js';
import type { ListenAddress } from './listen-address.js';
import { clientCertPolicy, peerRejection, secureContextOptions, type TlsServerConfig } from './tls-settings.js';
import { TrustedClients } from './trusted-clients.js';

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
  /** Path of the metrics endpoint, e.g. `/metrics`; see checkTelemetryPath. */
  telemetryPath: string;
  /** Extra landing-page sections, computed per request. */
  sections?: () => LandingSection[];
  /** Extra JSON API routes under `/api/`, e.g. `{ anomalies: (req) => [...] }`; a handler throws HttpError for a bad query. */
  api?: Record<string, (query: Record<string, unknown>) => unknown>;
  /** Current access settings (default: no headers, no authentication). */
  access?: () => Access;
  /** Request counters. */
  stats?: HttpStats;
  /** Addresses that sent an accepted request are marked here (they may use reserved connection slots). */
  trusted?: TrustedClients;
  /** Told about errors that became a 500; the client sees no detail. */
  onError?: (err: Error) => void;
}

/** Query strings are cut after this many parameters; the API rejects parameters it does not know. */
const MAX_QUERY_KEYS = 16;

/** Methods every route answers; others get 405. */
const ALLOWED_METHODS = 'GET, HEAD';

const OPEN: Access = { headers: {} };

const TEXT = 'text/plain; charset=utf-8';

/** A route: answers a GET or HEAD of its exact path. */
type Route = (req: IncomingMessage, res: ServerResponse, query: Record<string, unknown>) => Promise<void> | void;

/**
 * Checks `--web.telemetry-path`: an absolute path of non-empty segments of
 * letters, digits and `. _ ~ -`, other than `/`, `/healthz` and `/api/...`.
 * Returns the one-line reason it is not, or undefined.
 */
export function telemetryPathProblem(path: string): string | undefined {
  if (!/^(\/[A-Za-z0-9._~-]+)+$/.test(path)) return `invalid --web.telemetry-path "${path}": want an absolute path such as /metrics (segments of letters, digits and . _ ~ -, no trailing slash)`;
  if (path === '/healthz' || path.startsWith('/api/')) return `invalid --web.telemetry-path "${path}": /healthz and /api/... are taken`;
  return undefined;
}

/**
 * Builds the request handler: landing page, health, metrics and the JSON API,
 * routed by exact, case-sensitive path; GET and HEAD only (405 with `Allow`
 * otherwise). Every response carries the configured headers; every path but
 * `/healthz` (a constant "ok" for health checks) needs the configured basic
 * authentication, unknown paths included, so that nothing answers an
 * unauthenticated client but 401. Concurrent scrapes of one format share one
 * rendering.
 */
export function createApp(opts: HttpOptions): Handler {
  const access = opts.access ?? (() => OPEN);
  const apiNames = Object.keys(opts.api ?? {});
  const rendering = new Map<string, Promise<string>>();
  const scrape = (type: string): Promise<string> => {
    let text = rendering.get(type);
    if (!text) {
      text = render(opts.registry, type).finally(() => rendering.delete(type));
      rendering.set(type, text);
    }
    return text;
  };
  const routes = new Map<string, Route>([
    [
      opts.telemetryPath,
      async (req, res) => {
        const type = negotiate(req.headers.accept);
        send(res, 200, type, await scrape(type));
      },
    ],
    [
      '/',
      (_req, res) => {
        const links = [
          { href: opts.telemetryPath, text: 'Metrics' },
          { href: '/healthz', text: 'Health' },
          ...apiNames.map((n) => ({ href: `/api/${n}`, text: `API: ${n}` })),
        ];
        send(res, 200, 'text/html; charset=utf-8', landingPage(VERSION, links, opts.sections?.() ?? []));
      },
    ],
    ...Object.entries(opts.api ?? {}).map(([name, handler]): [string, Route] => [`/api/${name}`, (_req, res, query) => send(res, 200, 'application/json; charset=utf-8', JSON.stringify(handler(query)))]),
  ]);
  const handled = new Set(['/healthz', ...routes.keys()]);

  const serve = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const url = req.url ?? '/';
    const q = url.indexOf('?');
    const path = q < 0 ? url : url.slice(0, q);
    const methodOk = req.method === 'GET' || req.method === 'HEAD';
    if (path === '/healthz') return methodOk ? send(res, 200, TEXT, 'ok\n') : notAllowed(res);
    const { auth } = access();
    const client = clientAddress(req.socket);
    if (auth) {
      const result = await auth.check(req.headers.authorization, client);
      if (result === 'busy' || result === 'over_budget') {
        opts.stats?.drop(result === 'busy' ? 'auth_queue_full' : 'auth_client_budget');
        return send(res, 429, TEXT, 'too many authentication checks under way\n', { 'Retry-After': '1' });
      }
      if (!result) return send(res, 401, TEXT, 'unauthorized\n', { 'WWW-Authenticate': 'Basic realm="netscore", charset="UTF-8"' });
    }
    const route = routes.get(path);
    if (!route) return send(res, 404, TEXT, 'not found\n');
    if (!methodOk) return notAllowed(res);
    opts.trusted?.mark(client);
    await route(req, res, q < 0 ? {} : parseQueryString(url.slice(q + 1), '&', '=', { maxKeys: MAX_QUERY_KEYS }));
  };

  return (req, res) => {
    for (const [name, value] of Object.entries(access().headers)) res.setHeader(name, value);
    const stats = opts.stats;
    if (stats) {
      const path = (req.url ?? '/').split('?')[0];
      res.once('finish', () => stats.request(handled.has(path) ? path : 'other', res.statusCode));
    }
    serve(req, res).catch((err: unknown) => {
      // Nothing of the error but an HttpError's line reaches the client.
      if (res.headersSent) {
        req.socket.destroy();
        return;
      }
      if (err instanceof HttpError && err.status >= 400 && err.status < 500) {
        send(res, err.status, TEXT, `${err.message}\n`);
        return;
      }
      opts.onError?.(err instanceof Error ? err : new Error(String(err)));
      send(res, 500, TEXT, 'internal server error\n');
    });
  };
}

/** Answers with `body` (left out for HEAD by Node.js) and its length. */
function send(res: ServerResponse, status: number, type: string, body: string, headers: Record<string, string> = {}): void {
  res.statusCode = status;
  for (const [name, value] of Object.entries(headers)) res.setHeader(name, value);
  res.setHeader('Content-Type', type);
  res.setHeader('Content-Length', Buffer.byteLength(body));
  res.end(body);
}

function notAllowed(res: ServerResponse): void {
  send(res, 405, TEXT, 'method not allowed\n', { Allow: ALLOWED_METHODS });
}

/** Bounds on what one client can hold or send. */
export interface ServerLimits {
  /** Most time to receive a request's headers and body or complete a TLS handshake; twice that on a silent connection. */
  readTimeoutMs: number;
  /** Most open connections per listener; more are closed at once. */
  maxConnections: number;
  /** Largest request line plus headers, in bytes; more gets 431. */
  maxHeaderSize: number;
  /** Most open connections from one client address (default in HTTP_LIMIT_DEFAULTS). */
  maxConnectionsPerClient?: number;
  /** Connection slots kept for recently trusted addresses; at most a quarter of maxConnections is used (default in HTTP_LIMIT_DEFAULTS). */
  reservedConnections?: number;
  /** Most time from connecting to the first request's headers (default in HTTP_LIMIT_DEFAULTS). */
  firstRequestTimeoutMs?: number;
  /** Most requests one connection may have waiting for their answers; more close it (default in HTTP_LIMIT_DEFAULTS). */
  maxPipelinedRequests?: number;
}

/**
 * Starts serving `app` on `address` with `limits`, over TLS when `tls()`
 * returns settings (read again for every connection's client-certificate
 * checks; new certificates are installed with applyTls). Connections are
 * admitted and their requests paced by a ConnectionGate; `trusted` names the
 * addresses that may use the reserved slots (createApp marks them). Rejects
 * with a one-line Error naming `label` when the address cannot be bound.
 */
export function listen(app: Handler, address: ListenAddress, label: string, limits: ServerLimits, stats: HttpStats, tls?: () => TlsServerConfig | undefined, trusted = new TrustedClients()): Promise<Server> {
  const ms = limits.readTimeoutMs;
  const common = {
    maxHeaderSize: limits.maxHeaderSize,
    requestTimeout: ms,
    headersTimeout: ms,
    keepAliveTimeout: Math.min(5000, ms),
    // Node checks the two timeouts above only this often (30 s by default).
    connectionsCheckingInterval: Math.max(100, Math.min(1000, ms / 4)),
  };
  const gate = new ConnectionGate(
    {
      maxConnections: limits.maxConnections,
      maxPerClient: limits.maxConnectionsPerClient ?? HTTP_LIMIT_DEFAULTS.maxConnectionsPerClient,
      reserved: Math.min(limits.reservedConnections ?? HTTP_LIMIT_DEFAULTS.reservedConnections, Math.floor(limits.maxConnections / 4)),
      firstRequestMs: limits.firstRequestTimeoutMs ?? HTTP_LIMIT_DEFAULTS.firstRequestTimeoutMs,
      maxPipelined: limits.maxPipelinedRequests ?? HTTP_LIMIT_DEFAULTS.maxPipelinedRequests,
    },
    stats,
    trusted,
  );
  const onRequest = (req: IncomingMessage, res: ServerResponse) => gate.dispatch(req, res, app);
  const t = tls?.();
  const server: Server = t ? createHttpsServer({ ...common, ...secureContextOptions(t), ...clientCertPolicy(t), handshakeTimeout: ms }, onRequest) : createHttpServer(common, onRequest);
  server.on('connection', (socket: Socket) => gate.admit(socket));
  // Longer than the request timeouts, so that a slow request gets its 408 first; this catches clients that stop reading.
  server.setTimeout(2 * ms, (socket) => {
    stats.drop('timeout');
    socket.destroy();
  });
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
      const now = tls?.();
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
