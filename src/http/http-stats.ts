/** Why the server closed a connection or refused a request before it reached a handler. */
export const DROP_REASONS = [
  'max_connections',
  'client_connections',
  'header_too_large',
  'timeout',
  'malformed',
  'tls_handshake',
  'client_certificate',
  'pipeline_limit',
  'auth_queue_full',
  'auth_client_budget',
] as const;

/** One of DROP_REASONS. */
export type DropReason = (typeof DROP_REASONS)[number];

/** Counters of the HTTP server, read at scrape time. */
export class HttpStats {
  /** Requests answered, by `handler` and status code. */
  readonly requests = new Map<string, { handler: string; code: number; count: number }>();
  /** Connections or requests dropped before a handler, by reason. */
  readonly dropped = Object.fromEntries(DROP_REASONS.map((r) => [r, 0])) as Record<DropReason, number>;

  /** Counts one answered request. */
  request(handler: string, code: number): void {
    const key = `${handler} ${code}`;
    const entry = this.requests.get(key);
    if (entry) entry.count++;
    else this.requests.set(key, { handler, code, count: 1 });
  }

  /** Counts one dropped connection or request. */
  drop(reason: DropReason): void {
    this.dropped[reason]++;
  }
}
