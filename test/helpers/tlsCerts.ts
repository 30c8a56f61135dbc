// Certificates for TLS tests, made by `openssl` at test time: a CA, a server certificate it
// signs (SAN 127.0.0.1, localhost and temporal.test), a client certificate it signs, and a
// second CA that signed none of them (the "wrong CA").
import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

export const TLS_SERVER_NAME = 'temporal.test';

export interface TestCerts {
  dir: string;
  caFile: string;
  wrongCaFile: string;
  serverCertFile: string;
  serverKeyFile: string;
  clientCertFile: string;
  clientKeyFile: string;
  remove(): Promise<void>;
}

async function openssl(dir: string, args: string[]): Promise<void> {
  await run('openssl', args, { cwd: dir, timeout: 20_000 });
}

async function makeCa(dir: string, name: string): Promise<void> {
  await openssl(dir, [
    'req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes',
    '-keyout', `${name}.key`, '-out', `${name}.pem`, '-days', '2', '-subj', `/CN=${name}`,
    '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign,cRLSign',
  ]);
}

async function makeLeaf(dir: string, name: string, ca: string, extensions: string): Promise<void> {
  await openssl(dir, ['req', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-keyout', `${name}.key`, '-out', `${name}.csr`, '-subj', `/CN=${name}`]);
  await writeFile(path.join(dir, `${name}.ext`), extensions);
  await openssl(dir, [
    'x509', '-req', '-in', `${name}.csr`, '-CA', `${ca}.pem`, '-CAkey', `${ca}.key`, '-CAcreateserial',
    '-out', `${name}.pem`, '-days', '2', '-extfile', `${name}.ext`,
  ]);
}

export async function makeTestCerts(): Promise<TestCerts> {
  const dir = await mkdtemp(path.join(tmpdir(), 'spooky-tls-'));
  await Promise.all([makeCa(dir, 'ca'), makeCa(dir, 'wrong-ca')]);
  await makeLeaf(dir, 'server', 'ca', `subjectAltName=IP:127.0.0.1,DNS:localhost,DNS:${TLS_SERVER_NAME}\nextendedKeyUsage=serverAuth\n`);
  await makeLeaf(dir, 'client', 'ca', 'extendedKeyUsage=clientAuth\n');
  const file = (name: string) => path.join(dir, name);
  return {
    dir,
    caFile: file('ca.pem'),
    wrongCaFile: file('wrong-ca.pem'),
    serverCertFile: file('server.pem'),
    serverKeyFile: file('server.key'),
    clientCertFile: file('client.pem'),
    clientKeyFile: file('client.key'),
    remove: () => rm(dir, { recursive: true, force: true }),
  };
}
