import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import bcrypt from 'bcryptjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readWebConfig, WebConfigError } from '../../src/http/web-config.js';
import { PROM_DIR } from '../bundle/prom-harness.js';
import { makePki, type TestPki } from './pki.js';

const HASH = bcrypt.hashSync('secret', 4);
const TLS = 'tls_server_config:\n  cert_file: server.crt\n  key_file: server.key\n';

let pki: TestPki;
let n = 0;

/** Writes `text` as a new file in the PKI directory (so relative certificate names resolve) and returns its path. */
function file(text: string): string {
  const path = join(pki.dir, `web-${n++}.yml`);
  writeFileSync(path, text);
  return path;
}

/** promtool's verdict on a web config file: the exit status and its output. */
function promtool(path: string): { status: number | null; out: string } {
  const r = spawnSync('promtool', ['check', 'web-config', path], { encoding: 'utf8' });
  return { status: r.status, out: r.stdout + r.stderr };
}

/** The one-line error readWebConfig throws for `path`. */
function errorOf(path: string): string {
  try {
    readWebConfig(path);
  } catch (err) {
    expect(err).toBeInstanceOf(WebConfigError);
    return (err as Error).message;
  }
  throw new Error(`${path} was accepted`);
}

beforeAll(() => {
  pki = makePki(mkdtempSync(join(tmpdir(), 'netscore-webcfg-')));
});
afterAll(() => rmSync(pki.dir, { recursive: true, force: true }));

describe('web config file', () => {
  it('accepts the shipped example, as promtool check web-config does', () => {
    // The example names netscore.crt, netscore.key and prometheus-ca.crt next to itself.
    const dir = mkdtempSync(join(tmpdir(), 'netscore-example-'));
    copyFileSync(join(PROM_DIR, 'web-config.example.yml'), join(dir, 'web-config.yml'));
    copyFileSync(pki.serverCertFile, join(dir, 'netscore.crt'));
    copyFileSync(pki.serverKeyFile, join(dir, 'netscore.key'));
    copyFileSync(pki.caFile, join(dir, 'prometheus-ca.crt'));
    const path = join(dir, 'web-config.yml');
    expect(promtool(path)).toEqual({ status: 0, out: expect.stringContaining('SUCCESS') });
    const c = readWebConfig(path);
    expect(c.tls).toMatchObject({ clientAuth: 'RequireAndVerifyClientCert', minVersion: 'TLS12', maxVersion: 'TLS13' });
    expect(c.tls!.cert.equals(pki.pem('server.crt'))).toBe(true);
    expect([...c.users.keys()]).toEqual(['prometheus']);
    expect(Object.keys(c.headers)).toEqual(['Strict-Transport-Security', 'X-Content-Type-Options', 'X-Frame-Options', 'Content-Security-Policy']);
    rmSync(dir, { recursive: true });
  });

  it('accepts an empty file (plain HTTP, no authentication) and basic auth alone', () => {
    expect(readWebConfig(file(''))).toMatchObject({ tls: undefined, users: new Map(), headers: {} });
    const c = readWebConfig(file(`basic_auth_users:\n  alice: ${HASH}\nhttp_server_config:\n  http2: false\n`));
    expect(c.tls).toBeUndefined();
    expect(c.users.get('alice')).toBe(HASH);
  });

  it('maps TLS settings: versions, cipher suites (TLS 1.3 ones are always on), curves, inline PEM', () => {
    const c = readWebConfig(
      file(
        `tls_server_config:\n  cert: |\n${indent(pki.pem('server.crt'))}  key: |\n${indent(pki.pem('server.key'))}` +
          '  min_version: TLS13\n  cipher_suites: [TLS_AES_128_GCM_SHA256, TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384]\n  curve_preferences: [X25519, CurveP256]\n',
      ),
    );
    expect(c.tls).toMatchObject({ minVersion: 'TLS13', cipherSuites: ['ECDHE-ECDSA-AES256-GCM-SHA384'], curves: ['X25519', 'P-256'] });
  });

  it('fingerprints the certificate files too, so a renewed certificate is a change', () => {
    const path = file(TLS);
    const before = readWebConfig(path).fingerprint;
    expect(readWebConfig(path).fingerprint).toBe(before);
    const cert = readFileSync(pki.serverCertFile);
    writeFileSync(pki.serverCertFile, Buffer.concat([cert, Buffer.from('\n')]));
    try {
      expect(readWebConfig(path).fingerprint).not.toBe(before);
    } finally {
      writeFileSync(pki.serverCertFile, cert);
    }
  });

  // Each of these is rejected by promtool (exporter-toolkit) too; the error is one line naming the file and the field.
  it.each([
    ['unknown top-level field', 'basic_auth_user:\n  alice: x\n', /: basic_auth_user: unknown field$/],
    ['unknown TLS field', `${TLS}  certfile: x\n`, /: tls_server_config\.certfile: unknown field$/],
    ['unknown http_server_config field', 'http_server_config:\n  header: {}\n', /: http_server_config\.header: unknown field$/],
    ['not a bcrypt hash', 'basic_auth_users:\n  alice: secret\n', /: basic_auth_users\.alice: not a bcrypt hash/],
    ['a header that cannot be set', 'http_server_config:\n  headers:\n    X-Powered-By: netscore\n', /: http_server_config\.headers\.X-Powered-By: HTTP header "X-Powered-By" can not be configured/],
    ['a bad X-Frame-Options', 'http_server_config:\n  headers:\n    X-Frame-Options: allow\n', /: http_server_config\.headers\.X-Frame-Options: want one of deny, sameorigin, got "allow"$/],
    ['a bad X-Content-Type-Options', 'http_server_config:\n  headers:\n    X-Content-Type-Options: sniff\n', /X-Content-Type-Options: want one of nosniff/],
    ['an unknown TLS version', `${TLS}  min_version: TLS14\n`, /: tls_server_config\.min_version: unknown TLS version "TLS14"/],
    ['an unknown client_auth_type', `${TLS}  client_auth_type: Always\n`, /: tls_server_config\.client_auth_type: unknown value "Always"/],
    ['a client CA without a client auth type', `${TLS}  client_ca_file: ca.crt\n`, /: tls_server_config\.client_ca_file: a client CA is set but client_auth_type is NoClientCert$/],
    ['a missing key', 'tls_server_config:\n  cert_file: server.crt\n', /: tls_server_config\.key_file: missing/],
    ['a missing certificate file', 'tls_server_config:\n  cert_file: nosuch.crt\n  key_file: server.key\n', /: tls_server_config\.cert_file: cannot read \/.+\/nosuch\.crt: ENOENT$/],
    ['a key that does not match the certificate', 'tls_server_config:\n  cert_file: server.crt\n  key_file: client.key\n', /: tls_server_config\.cert_file: certificate and key are not usable: .+/],
    ['a key file that is no key', 'tls_server_config:\n  cert_file: server.crt\n  key_file: ca.crt\n', /: tls_server_config\.cert_file: certificate and key are not usable/],
    ['an unknown cipher', `${TLS}  cipher_suites: [TLS_RSA_WITH_RC4_128_SHA]\n`, /: tls_server_config\.cipher_suites: unknown cipher "TLS_RSA_WITH_RC4_128_SHA"$/],
    ['an unknown curve', `${TLS}  curve_preferences: [CurveP999]\n`, /: tls_server_config\.curve_preferences: unknown curve "CurveP999"/],
    ['a YAML syntax error', 'basic_auth_users: [\n', /^web config \/.+\.yml: .+/],
    ['a list where a map belongs', 'basic_auth_users: [alice]\n', /: basic_auth_users: want a map$/],
  ])('rejects %s, as promtool does', (_what, text, message) => {
    const path = file(text);
    expect(promtool(path).status).toBe(1);
    const err = errorOf(path);
    expect(err.startsWith(`web config ${path}: `)).toBe(true);
    expect(err).toMatch(message);
    expect(err).not.toContain('\n');
  });

  // Stricter than exporter-toolkit, on purpose: each of these would leave a setting without the effect it promises.
  it.each([
    ['verifying clients against the system CAs', `${TLS}  client_auth_type: RequireAndVerifyClientCert\n`, /client_auth_type: RequireAndVerifyClientCert needs client_ca_file/],
    ['min_version above max_version', `${TLS}  min_version: TLS13\n  max_version: TLS12\n`, /min_version: TLS13 is above max_version TLS12$/],
    ['a user name with a colon', `basic_auth_users:\n  "a:b": ${HASH}\n`, /basic_auth_users\.a:b: user names cannot contain ":"/],
    ['a bcrypt cost above 16', 'basic_auth_users:\n  alice: $2y$17$QOauhQNbBCuQDKes6eFzPeMqBSjb7Mr5DUmpZ/VcEd00UAV/LDeSi\n', /basic_auth_users\.alice: bcrypt cost 17 is outside 4\.\.16/],
    ['a client CA file without certificates', `${TLS}  client_auth_type: RequireAndVerifyClientCert\n  client_ca_file: server.key\n`, /client_ca_file: no PEM certificate found$/],
  ])('rejects %s, which promtool lets through', (_what, text, message) => {
    const path = file(text);
    expect(promtool(path).status).toBe(0);
    expect(errorOf(path)).toMatch(message);
  });

  it('names the exporter-toolkit fields netscore does not implement', () => {
    expect(errorOf(file('rate_limit:\n  burst: 10\n'))).toMatch(/: rate_limit: is not supported by netscore$/);
    expect(errorOf(file('auth_excluded_paths: [/metrics]\n'))).toMatch(/: auth_excluded_paths: is not supported by netscore/);
  });

  it('names a missing file', () => {
    expect(errorOf(join(pki.dir, 'nosuch.yml'))).toBe(`web config ${join(pki.dir, 'nosuch.yml')}: cannot read: ENOENT`);
  });
});

function indent(pem: Buffer): string {
  return pem
    .toString()
    .trimEnd()
    .split('\n')
    .map((l) => `    ${l}\n`)
    .join('');
}
