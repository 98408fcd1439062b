/** A small HTTP(S) client for the server tests: custom CA, client certificates, TLS versions and raw headers. */
import { request as httpRequest, type IncomingHttpHeaders } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { SecureVersion } from 'node:tls';

/** Options of `get`. */
export interface GetOptions {
  /** Basic auth credentials. */
  auth?: { user: string; password: string };
  /** Extra request headers. */
  headers?: Record<string, string>;
  /** CA that signed the server certificate (PEM). */
  ca?: Buffer;
  /** Client certificate and key (PEM). */
  cert?: Buffer;
  key?: Buffer;
  minVersion?: SecureVersion;
  maxVersion?: SecureVersion;
  /** OpenSSL cipher list offered for TLS ≤ 1.2. */
  ciphers?: string;
  /** Source address to connect from, e.g. another 127.0.0.0/8 address. */
  localAddress?: string;
  /** Request method (default GET). */
  method?: string;
}

/** A response. */
export interface Reply {
  status: number;
  headers: IncomingHttpHeaders;
  body: string;
}

/** GETs `url` on a fresh connection; rejects on network or TLS errors. */
export function get(url: string, opts: GetOptions = {}): Promise<Reply> {
  const headers: Record<string, string> = { connection: 'close', ...opts.headers };
  if (opts.auth) headers.authorization = `Basic ${Buffer.from(`${opts.auth.user}:${opts.auth.password}`).toString('base64')}`;
  const https = url.startsWith('https:');
  return new Promise((resolve, reject) => {
    const req = (https ? httpsRequest : httpRequest)(
      url,
      { headers, agent: false, localAddress: opts.localAddress, method: opts.method, ...(https ? { ca: opts.ca, cert: opts.cert, key: opts.key, minVersion: opts.minVersion, maxVersion: opts.maxVersion, ciphers: opts.ciphers } : {}) },
      (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (d: string) => (body += d));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.setTimeout(10_000, () => req.destroy(new Error(`${url}: no answer within 10 s`)));
    req.end();
  });
}
