import { createHash, X509Certificate } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createSecureContext } from 'node:tls';
import { dirname, resolve } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { CLIENT_AUTH_TYPES, type ClientAuthType, secureContextOptions, TLS13_SUITES, type TlsServerConfig, TLS_VERSIONS, type TlsVersionName } from './tls-settings.js';

/** A web config file that cannot be used; the message is one line naming the file and the field. */
export class WebConfigError extends Error {
  override name = 'WebConfigError';
}

/**
 * TLS 1.0–1.2 suites Go's tls.CipherSuites() lists (the names exporter-toolkit
 * accepts) and their OpenSSL names.
 */
export const CIPHER_SUITES: Readonly<Record<string, string>> = {
  TLS_RSA_WITH_AES_128_CBC_SHA: 'AES128-SHA',
  TLS_RSA_WITH_AES_256_CBC_SHA: 'AES256-SHA',
  TLS_RSA_WITH_AES_128_GCM_SHA256: 'AES128-GCM-SHA256',
  TLS_RSA_WITH_AES_256_GCM_SHA384: 'AES256-GCM-SHA384',
  TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA: 'ECDHE-ECDSA-AES128-SHA',
  TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA: 'ECDHE-ECDSA-AES256-SHA',
  TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA: 'ECDHE-RSA-AES128-SHA',
  TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA: 'ECDHE-RSA-AES256-SHA',
  TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256: 'ECDHE-ECDSA-AES128-GCM-SHA256',
  TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384: 'ECDHE-ECDSA-AES256-GCM-SHA384',
  TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256: 'ECDHE-RSA-AES128-GCM-SHA256',
  TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384: 'ECDHE-RSA-AES256-GCM-SHA384',
  TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256: 'ECDHE-RSA-CHACHA20-POLY1305',
  TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256: 'ECDHE-ECDSA-CHACHA20-POLY1305',
};

/** `curve_preferences` names and their OpenSSL group names. */
export const CURVES: Readonly<Record<string, string>> = { CurveP256: 'P-256', CurveP384: 'P-384', CurveP521: 'P-521', X25519: 'X25519' };

/** Headers `http_server_config.headers` may set, with their allowed values (undefined: any), as exporter-toolkit allows. */
export const SETTABLE_HEADERS: Readonly<Record<string, readonly string[] | undefined>> = {
  'Strict-Transport-Security': undefined,
  'X-Content-Type-Options': ['nosniff'],
  'X-Frame-Options': ['deny', 'sameorigin'],
  'X-XSS-Protection': undefined,
  'Content-Security-Policy': undefined,
};

/** A validated web config file. */
export interface WebConfig {
  /** Path of the file. */
  path: string;
  /** TLS settings; undefined serves plain HTTP. */
  tls?: TlsServerConfig;
  /** bcrypt hashes by user name; empty means no authentication. */
  users: ReadonlyMap<string, string>;
  /** Headers added to every response. */
  headers: Readonly<Record<string, string>>;
  /** SHA-256 over the file and every file it names, so that a change to any of them is a change. */
  fingerprint: string;
}

/** The fields exporter-toolkit knows that netscore does not implement, with why. */
const UNSUPPORTED: Readonly<Record<string, string>> = {
  rate_limit: 'is not supported by netscore',
  auth_excluded_paths: 'is not supported by netscore (only /healthz is served without authentication)',
};

/** Highest bcrypt cost accepted: one check at 16 takes seconds, and checks run one at a time. */
const MAX_BCRYPT_COST = 16;

/** A bcrypt hash: $2a$, $2b$ or $2y$, two-digit cost, 22 characters of salt and 31 of hash. */
const BCRYPT_HASH = /^\$2[aby]\$(\d\d)\$[./A-Za-z0-9]{53}$/;

/** Header values Node.js accepts: visible ASCII, space, tab and obs-text, no CR or LF. */
const HEADER_VALUE = /^[\t\x20-\x7e\x80-\xff]*$/;

/**
 * Reads and strictly validates a web config file in the exporter-toolkit
 * format (`tls_server_config`, `http_server_config`, `basic_auth_users`).
 * Relative file names are resolved against the file's directory. Unknown
 * fields, wrong types and unreadable files throw a one-line WebConfigError
 * naming the file and the field.
 */
export function readWebConfig(path: string): WebConfig {
  const v = new Validator(path);
  const text = v.read(path, undefined);
  let doc: unknown;
  try {
    doc = parseYaml(text.toString('utf8'));
  } catch (err) {
    throw v.error(undefined, (err as Error).message.split('\n')[0].replace(/:$/, ''), err);
  }
  const top = v.map(doc ?? {}, undefined, ['tls_server_config', 'http_server_config', 'basic_auth_users', ...Object.keys(UNSUPPORTED)]);
  for (const [key, why] of Object.entries(UNSUPPORTED)) if (top[key] !== undefined && top[key] !== null) throw v.error(key, why);
  const users = readUsers(v, top.basic_auth_users);
  const headers = readHeaders(v, top.http_server_config);
  const tls = readTls(v, top.tls_server_config);
  return { path, tls, users, headers, fingerprint: v.fingerprint() };
}

function readUsers(v: Validator, raw: unknown): Map<string, string> {
  const users = new Map<string, string>();
  for (const [name, hash] of Object.entries(v.map(raw ?? {}, 'basic_auth_users'))) {
    const field = `basic_auth_users.${name}`;
    if (name.includes(':')) throw v.error(field, 'user names cannot contain ":" (HTTP basic auth splits on it)');
    if (typeof hash !== 'string') throw v.error(field, 'want a bcrypt hash string');
    const m = BCRYPT_HASH.exec(hash);
    if (!m) throw v.error(field, 'not a bcrypt hash ($2a$, $2b$ or $2y$, e.g. from htpasswd -nBC 10 "" | tr -d \':\\n\')');
    const cost = Number(m[1]);
    if (cost < 4 || cost > MAX_BCRYPT_COST) throw v.error(field, `bcrypt cost ${cost} is outside 4..${MAX_BCRYPT_COST} (each cost step doubles the time of every check)`);
    users.set(name, hash);
  }
  return users;
}

function readHeaders(v: Validator, raw: unknown): Record<string, string> {
  const http = v.map(raw ?? {}, 'http_server_config', ['http2', 'headers']);
  // netscore serves HTTP/1.1 only; `http2` is accepted so that files shared with other exporters load.
  if (http.http2 !== undefined && http.http2 !== null && typeof http.http2 !== 'boolean') throw v.error('http_server_config.http2', 'want true or false');
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(v.map(http.headers ?? {}, 'http_server_config.headers'))) {
    const field = `http_server_config.headers.${name}`;
    if (!Object.hasOwn(SETTABLE_HEADERS, name)) throw v.error(field, `HTTP header "${name}" can not be configured (allowed: ${Object.keys(SETTABLE_HEADERS).join(', ')})`);
    if (typeof value !== 'string') throw v.error(field, 'want a string');
    const allowed = SETTABLE_HEADERS[name];
    if (allowed && !allowed.includes(value)) throw v.error(field, `want one of ${allowed.join(', ')}, got "${value}"`);
    if (!HEADER_VALUE.test(value)) throw v.error(field, 'contains characters not allowed in a header value');
    headers[name] = value;
  }
  return headers;
}

function readTls(v: Validator, raw: unknown): TlsServerConfig | undefined {
  const f = 'tls_server_config';
  const t = v.map(raw ?? {}, f, [
    'cert_file', 'key_file', 'cert', 'key', 'client_ca_file', 'client_ca', 'client_auth_type',
    'min_version', 'max_version', 'cipher_suites', 'curve_preferences', 'prefer_server_cipher_suites', 'client_allowed_sans',
  ]);
  if (Object.values(t).every((x) => x === undefined || x === null)) return undefined;
  const cert = v.pem(t, 'cert_file', 'cert', true)!;
  const key = v.pem(t, 'key_file', 'key', true)!;
  const clientCa = v.pem(t, 'client_ca_file', 'client_ca', false);
  const clientAuth = (v.str(t.client_auth_type, `${f}.client_auth_type`) ?? 'NoClientCert').replace(/^RequireClientCert$/, 'RequireAnyClientCert');
  if (!(CLIENT_AUTH_TYPES as readonly string[]).includes(clientAuth)) throw v.error(`${f}.client_auth_type`, `unknown value "${clientAuth}" (want one of ${CLIENT_AUTH_TYPES.join(', ')})`);
  const needsCa = clientAuth === 'RequireAndVerifyClientCert' || clientAuth === 'VerifyClientCertIfGiven';
  if (clientCa && clientAuth === 'NoClientCert') throw v.error(`${f}.client_ca_file`, 'a client CA is set but client_auth_type is NoClientCert');
  if (!clientCa && needsCa) throw v.error(`${f}.client_auth_type`, `${clientAuth} needs client_ca_file (netscore does not verify clients against the system CAs)`);
  if (clientCa) checkCertificates(v, clientCa, `${f}.${t.client_ca_file !== undefined && t.client_ca_file !== null ? 'client_ca_file' : 'client_ca'}`);
  const version = (name: 'min_version' | 'max_version', fallback: TlsVersionName): TlsVersionName => {
    const s = v.str(t[name], `${f}.${name}`) ?? fallback;
    if (!Object.hasOwn(TLS_VERSIONS, s)) throw v.error(`${f}.${name}`, `unknown TLS version "${s}" (want one of ${Object.keys(TLS_VERSIONS).join(', ')})`);
    return s as TlsVersionName;
  };
  const minVersion = version('min_version', 'TLS12');
  const maxVersion = version('max_version', 'TLS13');
  if (minVersion > maxVersion) throw v.error(`${f}.min_version`, `${minVersion} is above max_version ${maxVersion}`);
  const suites = v.strList(t.cipher_suites, `${f}.cipher_suites`);
  for (const s of suites ?? []) {
    if (!Object.hasOwn(CIPHER_SUITES, s) && !(TLS13_SUITES as readonly string[]).includes(s)) throw v.error(`${f}.cipher_suites`, `unknown cipher "${s}"`);
  }
  const curves = v.strList(t.curve_preferences, `${f}.curve_preferences`);
  for (const c of curves ?? []) if (!Object.hasOwn(CURVES, c)) throw v.error(`${f}.curve_preferences`, `unknown curve "${c}" (want ${Object.keys(CURVES).join(', ')})`);
  const prefer = t.prefer_server_cipher_suites ?? true;
  if (typeof prefer !== 'boolean') throw v.error(`${f}.prefer_server_cipher_suites`, 'want true or false');
  const sans = v.strList(t.client_allowed_sans, `${f}.client_allowed_sans`);
  if (sans && clientAuth !== 'RequireAnyClientCert' && clientAuth !== 'RequireAndVerifyClientCert') {
    throw v.error(`${f}.client_allowed_sans`, 'needs client_auth_type RequireAnyClientCert or RequireAndVerifyClientCert');
  }
  const tls12 = suites?.filter((s) => Object.hasOwn(CIPHER_SUITES, s)).map((s) => CIPHER_SUITES[s]);
  const config: TlsServerConfig = {
    cert,
    key,
    clientCa,
    clientAuth: clientAuth as ClientAuthType,
    minVersion,
    maxVersion,
    cipherSuites: tls12?.length ? tls12 : undefined,
    curves: curves?.map((c) => CURVES[c]),
    preferServerCipherSuites: prefer,
    clientAllowedSans: sans,
  };
  try {
    createSecureContext(secureContextOptions(config));
  } catch (err) {
    const why = (err as Error).message.replace(/^error:[0-9A-Fa-f]+:/, '');
    throw v.error(`${f}.${t.cert_file !== undefined && t.cert_file !== null ? 'cert_file' : 'cert'}`, `certificate and key are not usable: ${why}`, err);
  }
  return config;
}

/** Every PEM certificate in `pem` must parse, and there must be at least one. */
function checkCertificates(v: Validator, pem: Buffer, field: string): void {
  const blocks = pem.toString('latin1').match(/-----BEGIN CERTIFICATE-----[^-]+-----END CERTIFICATE-----/g) ?? [];
  if (blocks.length === 0) throw v.error(field, 'no PEM certificate found');
  for (const b of blocks) {
    try {
      new X509Certificate(b);
    } catch (err) {
      throw v.error(field, `bad certificate: ${(err as Error).message}`, err);
    }
  }
}

/** Reads files relative to the config file, checks field types, and hashes everything it read. */
class Validator {
  private readonly hash = createHash('sha256');
  private readonly dir: string;

  constructor(private readonly path: string) {
    this.dir = dirname(path);
  }

  /** A one-line error naming the file and, when given, the field. */
  error(field: string | undefined, why: string, cause?: unknown): WebConfigError {
    return new WebConfigError(`web config ${this.path}: ${field ? `${field}: ` : ''}${why}`, { cause });
  }

  /** Reads `file` (relative to the config's directory); `field` names where it was set. */
  read(file: string, field: string | undefined): Buffer {
    const full = resolve(this.dir, file);
    try {
      const data = readFileSync(full);
      this.hash.update(`${full}\0${data.length}\0`).update(data);
      return data;
    } catch (err) {
      const e = err as NodeJS.ErrnoException;
      throw this.error(field, `cannot read${field ? ` ${full}` : ''}: ${e.code ?? e.message}`, err);
    }
  }

  /** Hex SHA-256 of everything read so far. */
  fingerprint(): string {
    return this.hash.digest('hex');
  }

  /** Checks that `raw` is a map whose keys are all in `known` (when given). */
  map(raw: unknown, field: string | undefined, known?: readonly string[]): Record<string, unknown> {
    if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) throw this.error(field, 'want a map');
    for (const key of Object.keys(raw)) {
      if (known && !known.includes(key)) throw this.error(field ? `${field}.${key}` : key, 'unknown field');
    }
    return raw as Record<string, unknown>;
  }

  /** A string field, or undefined when absent or null. */
  str(raw: unknown, field: string): string | undefined {
    if (raw === undefined || raw === null) return undefined;
    if (typeof raw !== 'string') throw this.error(field, 'want a string');
    return raw;
  }

  /** A list of strings, or undefined when absent or null. */
  strList(raw: unknown, field: string): string[] | undefined {
    if (raw === undefined || raw === null) return undefined;
    if (!Array.isArray(raw) || raw.some((x) => typeof x !== 'string')) throw this.error(field, 'want a list of strings');
    return raw as string[];
  }

  /** PEM from `fileKey` (a path) or `inlineKey` (the PEM text itself); exactly one when `required`. */
  pem(t: Record<string, unknown>, fileKey: string, inlineKey: string, required: boolean): Buffer | undefined {
    const f = `tls_server_config.${fileKey}`;
    const file = this.str(t[fileKey], f);
    const inline = this.str(t[inlineKey], `tls_server_config.${inlineKey}`);
    if (file && inline) throw this.error(f, `set either ${fileKey} or ${inlineKey}, not both`);
    if (file) return this.read(file, f);
    if (inline) {
      this.hash.update(`${inlineKey}\0`).update(inline);
      return Buffer.from(inline);
    }
    if (required) throw this.error(f, `missing (one of ${fileKey} or ${inlineKey} is needed for TLS)`);
    return undefined;
  }
}
