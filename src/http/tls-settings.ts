import type { Server as HttpsServer } from 'node:https';
import type { SecureContextOptions, TLSSocket } from 'node:tls';

/** `min_version`/`max_version` names and the Node.js protocol they stand for. */
export const TLS_VERSIONS = { TLS10: 'TLSv1', TLS11: 'TLSv1.1', TLS12: 'TLSv1.2', TLS13: 'TLSv1.3' } as const;

/** `client_auth_type` values, as exporter-toolkit (Go's crypto/tls) names them. */
export const CLIENT_AUTH_TYPES = ['NoClientCert', 'RequestClientCert', 'RequireAnyClientCert', 'VerifyClientCertIfGiven', 'RequireAndVerifyClientCert'] as const;

/** How the server treats client certificates. */
export type ClientAuthType = (typeof CLIENT_AUTH_TYPES)[number];

/** A TLS version name of the web config. */
export type TlsVersionName = keyof typeof TLS_VERSIONS;

/** The validated `tls_server_config`, with the PEM files already read. */
export interface TlsServerConfig {
  /** Server certificate chain (PEM). */
  cert: Buffer;
  /** Its private key (PEM). */
  key: Buffer;
  /** CA certificates that client certificates are verified against (PEM). */
  clientCa?: Buffer;
  /** Client certificate policy. */
  clientAuth: ClientAuthType;
  /** Lowest protocol version accepted. */
  minVersion: TlsVersionName;
  /** Highest protocol version accepted. */
  maxVersion: TlsVersionName;
  /** OpenSSL names of the allowed TLS ≤ 1.2 suites; undefined keeps Node.js' defaults. */
  cipherSuites?: string[];
  /** OpenSSL group names, in preference order; undefined keeps Node.js' defaults. */
  curves?: string[];
  /** Whether the server's suite order wins. */
  preferServerCipherSuites: boolean;
  /** Subject alternative names a client certificate must carry one of. */
  clientAllowedSans?: string[];
}

/** TLS 1.3 suites: accepted in `cipher_suites` and, as in Go, not configurable (all stay enabled). */
export const TLS13_SUITES = ['TLS_AES_128_GCM_SHA256', 'TLS_AES_256_GCM_SHA384', 'TLS_CHACHA20_POLY1305_SHA256'] as const;

/** Node.js secure-context options for `t`. */
export function secureContextOptions(t: TlsServerConfig): SecureContextOptions {
  return {
    cert: t.cert,
    key: t.key,
    ca: t.clientCa,
    minVersion: TLS_VERSIONS[t.minVersion],
    maxVersion: TLS_VERSIONS[t.maxVersion],
    ciphers: t.cipherSuites ? [...TLS13_SUITES, ...t.cipherSuites].join(':') : undefined,
    ecdhCurve: t.curves?.join(':'),
    honorCipherOrder: t.preferServerCipherSuites,
  };
}

/** Server options for `t`'s client-certificate policy; OpenSSL itself enforces only RequireAndVerifyClientCert. */
export function clientCertPolicy(t: TlsServerConfig): { requestCert: boolean; rejectUnauthorized: boolean } {
  if (t.clientAuth === 'NoClientCert') return { requestCert: false, rejectUnauthorized: false };
  return { requestCert: true, rejectUnauthorized: t.clientAuth === 'RequireAndVerifyClientCert' };
}

/** Installs `t` on a running HTTPS server; connections made from now on use it. */
export function applyTls(server: HttpsServer, t: TlsServerConfig): void {
  server.setSecureContext(secureContextOptions(t));
  // tls.Server reads these two per connection; setSecureContext does not cover them.
  Object.assign(server, clientCertPolicy(t));
}

/**
 * Why a completed handshake must be refused under `t`, or undefined to accept
 * it: the client-certificate rules OpenSSL leaves to the application
 * (RequireAnyClientCert, VerifyClientCertIfGiven, client_allowed_sans).
 */
export function peerRejection(socket: TLSSocket, t: TlsServerConfig): string | undefined {
  if (t.clientAuth === 'NoClientCert' || t.clientAuth === 'RequestClientCert') return undefined;
  const cert = socket.getPeerCertificate();
  if (!cert || Object.keys(cert).length === 0) return t.clientAuth === 'VerifyClientCertIfGiven' ? undefined : 'no client certificate';
  if (t.clientAuth !== 'RequireAnyClientCert' && !socket.authorized) return `client certificate not verified: ${String(socket.authorizationError)}`;
  if (t.clientAllowedSans) {
    const sans = (cert.subjectaltname ?? '').split(', ').map((s) => s.replace(/^(DNS|IP Address|URI|email):/, ''));
    if (!sans.some((s) => t.clientAllowedSans!.includes(s))) return 'client certificate has none of client_allowed_sans';
  }
  return undefined;
}
