import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import type { HttpStats } from './http-stats.js';
import type { TrustedClients } from './trusted-clients.js';

/** What one listener admits. */
export interface GateLimits {
  /** Most open connections. */
  maxConnections: number;
  /** Most open connections from one client address. */
  maxPerClient: number;
  /** Slots among maxConnections that only trusted addresses may take. */
  reserved: number;
  /** Most time from connecting to the first request's headers (a TLS handshake included). */
  firstRequestMs: number;
  /** Most requests of one connection received but not yet answered; one more closes the connection. */
  maxPipelined: number;
}

/** Serves one request; resolves or rejects once the response is under way. */
export type Handler = (req: IncomingMessage, res: ServerResponse) => void;

/** One open connection. */
interface Conn {
  address: string;
  /** Requests received and not answered yet, oldest first; the first one is being served when `busy`. */
  queue: [IncomingMessage, ServerResponse][];
  busy: boolean;
  /** Whether reading was stopped because requests wait. */
  paused: boolean;
  /** Closes the connection if no request arrives in time; cleared by the first request. */
  firstRequest?: NodeJS.Timeout;
}

/**
 * Admission and request flow of one listener. A new connection is refused
 * (closed at once) beyond the per-address limit, or when only reserved slots
 * are left and its address is not trusted. A connection must send its first
 * request within `firstRequestMs`.
 *
 * Requests of a connection are served one at a time, in order, and the next
 * one starts only after the previous response has been handed to the socket
 * and the socket has drained: a client that does not read its answers gets no
 * more work done for it. While requests wait, the socket is not read; a client
 * that still gets more than `maxPipelined` requests in is disconnected.
 */
export class ConnectionGate {
  private open = 0;
  private readonly perClient = new Map<string, number>();
  private readonly conns = new Map<string, Conn>();

  constructor(
    private readonly limits: GateLimits,
    private readonly stats: HttpStats,
    private readonly trusted: TrustedClients,
  ) {}

  /** Admits or closes a newly accepted TCP connection (before any TLS). */
  admit(socket: Socket): void {
    const address = clientAddress(socket);
    const mine = this.perClient.get(address) ?? 0;
    const free = this.limits.maxConnections - this.open;
    if (mine >= this.limits.maxPerClient || free <= 0 || (free <= this.limits.reserved && !this.trusted.has(address))) {
      this.stats.drop(mine >= this.limits.maxPerClient ? 'client_connections' : 'max_connections');
      socket.destroy();
      return;
    }
    const key = connKey(socket);
    const conn: Conn = { address, queue: [], busy: false, paused: false };
    conn.firstRequest = setTimeout(() => {
      this.stats.drop('timeout');
      socket.destroy();
    }, this.limits.firstRequestMs);
    conn.firstRequest.unref();
    this.conns.set(key, conn);
    this.open++;
    this.perClient.set(address, mine + 1);
    socket.once('close', () => {
      clearTimeout(conn.firstRequest);
      this.conns.delete(key);
      this.open--;
      const left = (this.perClient.get(address) ?? 1) - 1;
      if (left > 0) this.perClient.set(address, left);
      else this.perClient.delete(address);
    });
  }

  /** Queues a request on its connection and serves it with `handler` in turn. */
  dispatch(req: IncomingMessage, res: ServerResponse, handler: Handler): void {
    const socket = req.socket;
    const conn = this.conns.get(connKey(socket));
    if (!conn || socket.destroyed) {
      closeUnparsed(socket);
      return;
    }
    clearTimeout(conn.firstRequest);
    if (conn.queue.length >= this.limits.maxPipelined) {
      this.stats.drop('pipeline_limit');
      closeUnparsed(socket);
      return;
    }
    conn.queue.push([req, res]);
    if (conn.queue.length > 1 && !conn.paused) {
      conn.paused = true;
      socket.pause();
    }
    this.pump(conn, socket, handler);
  }

  /** Starts the oldest waiting request when nothing is being served and the socket has drained. */
  private pump(conn: Conn, socket: Socket, handler: Handler): void {
    if (conn.busy || socket.destroyed) return;
    const next = conn.queue[0];
    if (!next) {
      if (conn.paused) {
        conn.paused = false;
        socket.resume();
      }
      return;
    }
    conn.busy = true;
    if (socket.writableNeedDrain) {
      socket.once('drain', () => {
        conn.busy = false;
        this.pump(conn, socket, handler);
      });
      return;
    }
    const [req, res] = next;
    res.once('close', () => {
      conn.queue.shift();
      conn.busy = false;
      this.pump(conn, socket, handler);
    });
    handler(req, res);
  }
}

/**
 * Closes `socket` and leaves the rest of what Node.js has already read from
 * it (up to 64 KiB, hundreds of small pipelined requests) unparsed. Node's
 * HTTP server parses a whole chunk in one go and hands each request's headers
 * to the socket parser's `onIncoming`, whose return value goes to llhttp's
 * headers-complete callback; 2 ends that parse as for a protocol upgrade, so
 * no request after this one gets request and response objects (or an abort
 * error each when the socket closes). Without that parser (another HTTP
 * implementation) the socket is only closed.
 */
function closeUnparsed(socket: Socket): void {
  const parser: unknown = Reflect.get(socket, 'parser');
  if (typeof parser === 'object' && parser !== null && typeof Reflect.get(parser, 'onIncoming') === 'function') Reflect.set(parser, 'onIncoming', endParse);
  socket.destroy();
}

/** llhttp's headers-complete verdict that stops the parse in progress. */
const endParse = (): number => 2;

/** The client's address, IPv4-mapped IPv6 addresses as plain IPv4. */
export function clientAddress(socket: Socket): string {
  return (socket.remoteAddress ?? '').replace(/^::ffff:(?=\d+\.\d+\.\d+\.\d+$)/, '');
}

/** Names a connection the same for its TCP socket and the TLS socket over it. */
function connKey(socket: Socket): string {
  return `${socket.remoteAddress}|${socket.remotePort}`;
}
