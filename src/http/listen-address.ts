/** A parsed `--web.listen-address`. */
export interface ListenAddress {
  /** Host to bind; empty means every interface. */
  host: string;
  /** TCP port (0 picks a free one). */
  port: number;
}

/**
 * Parses `host:port`, `:port` or `[v6]:port` as Go's net.Listen accepts them.
 * Throws an Error with a one-line message naming the bad value.
 */
export function parseListenAddress(text: string): ListenAddress {
  const m = /^(?:\[([0-9a-fA-F:.%\w]+)\]|([^:[\]]*)):(\d{1,5})$/.exec(text);
  const port = m ? Number(m[3]) : NaN;
  if (!m || port > 65535) throw new Error(`invalid --web.listen-address "${text}": want host:port, :port or [ipv6]:port`);
  return { host: m[1] ?? m[2] ?? '', port };
}
