/**
 * A throwaway PKI made with the openssl command line for the TLS tests: a CA,
 * a server certificate for localhost/127.0.0.1/::1, a client certificate
 * from the same CA, and a client certificate and a second server
 * certificate (server2.crt, server2.key) from an unrelated CA (rogue-ca.crt).
 */
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** Paths of the PEM files in the PKI directory, and their contents. */
export interface TestPki {
  dir: string;
  /** CA certificate (trusted for server and client certificates). */
  caFile: string;
  serverCertFile: string;
  serverKeyFile: string;
  clientCertFile: string;
  clientKeyFile: string;
  /** Client certificate and key signed by another CA. */
  rogueCertFile: string;
  rogueKeyFile: string;
  /** PEM contents by the name of the file (ca.crt, server.key, ...). */
  pem(name: string): Buffer;
}

function openssl(dir: string, ...args: string[]): void {
  execFileSync('openssl', args, { cwd: dir, stdio: ['ignore', 'ignore', 'pipe'] });
}

/** Creates `name`.key and a self-signed CA certificate `name`.crt. */
function makeCa(dir: string, name: string): void {
  openssl(dir, 'req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', `${name}.key`, '-out', `${name}.crt`,
    '-days', '2', '-subj', `/CN=${name}`, '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign,cRLSign');
}

/** Creates `name`.key and `name`.crt signed by CA `ca` with the given extensions. */
function makeLeaf(dir: string, name: string, ca: string, cn: string, ext: string): void {
  writeFileSync(join(dir, `${name}.ext`), ext);
  openssl(dir, 'req', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', `${name}.key`, '-out', `${name}.csr`, '-subj', `/CN=${cn}`);
  openssl(dir, 'x509', '-req', '-in', `${name}.csr`, '-CA', `${ca}.crt`, '-CAkey', `${ca}.key`, '-CAcreateserial', '-out', `${name}.crt`, '-days', '2', '-extfile', `${name}.ext`);
}

/** Writes the PKI into `dir` (which must exist). */
export function makePki(dir: string): TestPki {
  makeCa(dir, 'ca');
  makeCa(dir, 'rogue-ca');
  makeLeaf(dir, 'server', 'ca', 'localhost', 'subjectAltName=DNS:localhost,IP:127.0.0.1,IP:::1\nextendedKeyUsage=serverAuth\n');
  makeLeaf(dir, 'client', 'ca', 'prometheus', 'subjectAltName=DNS:prometheus.example\nextendedKeyUsage=clientAuth\n');
  makeLeaf(dir, 'rogue', 'rogue-ca', 'prometheus', 'subjectAltName=DNS:prometheus.example\nextendedKeyUsage=clientAuth\n');
  makeLeaf(dir, 'server2', 'rogue-ca', 'localhost', 'subjectAltName=DNS:localhost,IP:127.0.0.1,IP:::1\nextendedKeyUsage=serverAuth\n');
  const f = (n: string) => join(dir, n);
  return {
    dir,
    caFile: f('ca.crt'),
    serverCertFile: f('server.crt'),
    serverKeyFile: f('server.key'),
    clientCertFile: f('client.crt'),
    clientKeyFile: f('client.key'),
    rogueCertFile: f('rogue.crt'),
    rogueKeyFile: f('rogue.key'),
    pem: (n) => readFileSync(f(n)),
  };
}
