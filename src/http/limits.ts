/**
 * Defaults of the HTTP server's per-client limits, shared by the server and
 * its flags; a module of its own so that reading options loads no HTTP code.
 */
export const HTTP_LIMIT_DEFAULTS = {
  /** Open connections from one client address (`--web.max-connections-per-client`). */
  maxConnectionsPerClient: 32,
  /** Connection slots kept for trusted addresses (`--web.reserved-connections`). */
  reservedConnections: 32,
  /** Milliseconds from connecting to the first request (`--web.first-request-timeout`). */
  firstRequestTimeoutMs: 3000,
  /** Requests one connection may have waiting (`--web.max-pipelined-requests`). */
  maxPipelinedRequests: 16,
  /** Password checks one client address may have under way (`--web.auth.max-checks-per-client`). */
  maxChecksPerClient: 4,
} as const;
