// Temporal over TLS and mTLS: a TLS-terminating proxy (test/helpers/tlsProxy.ts) in front of the
// dev server, with a CA and certificates made by openssl at test time. Each refusal must fail at
// start with one line that names the setting to change; no secret may reach the logs.
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { after, before, test } from 'node:test';
import { Writable } from 'node:stream';
import type { Surreal } from 'surrealdb';
import type { DevServer } from '../../src/adapters/temporal/devServer.js';
import { configFromObject, loadConfig } from '../../src/config/loadConfig.js';
import { configSecrets } from '../../src/config/configSecrets.js';
import { createLogger } from '../../src/adapters/logger.js';
import { ConfigError, CredentialsRefusedError, TlsHandshakeError } from '../../src/core/errors.js';
import { connectTemporalClient, connectTemporalWorker } from '../../src/adapters/temporal/connectTemporal.js';
import { createRunner } from '../../src/app/runner/createRunner.js';
import { getWorkflowBundle } from '../../src/orchestration/worker/workflowBundle.js';
import { insertJob, openTestDb, startRunner, startTemporal, testConfig, waitForTerminal } from '../helpers/harness.js';
import { startTestBackend, type TestBackend } from '../helpers/backend.js';
import { makeTestCerts, TLS_SERVER_NAME, type TestCerts } from '../helpers/tlsCerts.js';
import { startRefusingGrpcServer, startTlsProxy, type TlsProxy } from '../helpers/tlsProxy.js';

const API_KEY = 'tc-api-key-0123456789abcdef';
const JOB_CONFIG = JSON.stringify([{ name: 'api', base_url: 'http://127.0.0.1:9', allow_any_path: true }]);

let temporal: DevServer;
let certs: TestCerts;
let mtls: TlsProxy;
let tlsOnly: TlsProxy;
let backend: TestBackend;
let db: Surreal;

before(async () => {
  [temporal, certs, backend, { db }] = await Promise.all([startTemporal(), makeTestCerts(), startTestBackend(), openTestDb()]);
  const [host, port] = temporal.address.split(':');
  const target = { host: host!, port: Number(port) };
  [mtls, tlsOnly] = await Promise.all([
    startTlsProxy({ target, certFile: certs.serverCertFile, keyFile: certs.serverKeyFile, clientCaFile: certs.caFile }),
    startTlsProxy({ target, certFile: certs.serverCertFile, keyFile: certs.serverKeyFile }),
  ]);
});

after(async () => {
  await Promise.all([mtls?.close(), tlsOnly?.close(), backend?.close()]);
  await db?.close();
  await temporal?.stop();
  await certs?.remove();
});

/** A runner's config from the environment alone, as `start` reads it. */
function envConfig(env: Record<string, string>) {
  return loadConfig({ env: { SPKY_JOB_CONFIG: JOB_CONFIG, SURREAL_URL: 'mem://', ...env }, cwd: certs.dir });
}

/** Runs `start` far enough to connect (no bundle, no workers): what a misconfigured runner sees. */
async function startFails(env: Record<string, string>): Promise<Error> {
  const t0 = Date.now();
  const error = await createRunner({ config: await envConfig(env), db }).then(
    () => assert.fail('the runner connected'),
    (e: unknown) => e as Error,
  );
  assert.ok(Date.now() - t0 < 8_000, `the refusal took ${Date.now() - t0} ms`);
  assert.doesNotMatch(error.message, /\n/, 'one line');
  return error;
}

void test('a runner with the CA, a client certificate and the server name runs a job end to end over mTLS; the API key and the key file never reach its logs', async () => {
  const lines: string[] = [];
  const destination = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      lines.push(chunk.toString('utf8'));
      callback();
    },
  });
  const base = testConfig(temporal, backend.url);
  const config = configFromObject({
    ...base,
    temporal: {
      address: mtls.address,
      namespace: 'default',
      tls: { caFile: certs.caFile, certFile: certs.clientCertFile, keyFile: certs.clientKeyFile, serverName: TLS_SERVER_NAME },
      apiKey: API_KEY,
    },
  });
  const logger = createLogger({ secrets: configSecrets(config), destination: { write: (line: string) => destination.write(line) }, level: 'debug' });
  const acceptedBefore = mtls.accepted;
  const runner = await startRunner({ db, deploySchema: true, config, logger, workflowBundle: await getWorkflowBundle() });
  try {
    const jobId = await insertJob(db, { path: '/echo', payload: { over: 'mtls' } });
    const row = await waitForTerminal(runner, jobId);
    assert.equal(row.status, 'success');
    assert.equal(backend.requestsFor(jobId).length, 1);
  } finally {
    await runner.stop();
  }
  assert.ok(mtls.accepted > acceptedBefore, 'the connections went through the mTLS proxy');
  const logs = lines.join('');
  const started = lines.find((line) => line.includes('"runner started"'));
  assert.match(started ?? '', /"temporalSecurity":"mTLS, API key"/);
  const keyPem = await readFile(certs.clientKeyFile, 'utf8');
  const keyBody = keyPem.split('\n').filter((line) => line && !line.startsWith('-----'));
  assert.ok(!logs.includes(API_KEY), 'the API key is not in the logs');
  for (const line of keyBody) assert.ok(!logs.includes(line), 'no line of the key file is in the logs');
});

void test('without a client certificate, a runner is refused at start with one line that says to set TEMPORAL_TLS_CLIENT_CERT_PATH and TEMPORAL_TLS_CLIENT_KEY_PATH', async () => {
  const error = await startFails({ TEMPORAL_ADDRESS: mtls.address, TEMPORAL_TLS_SERVER_CA_CERT_PATH: certs.caFile, TEMPORAL_TLS_SERVER_NAME: TLS_SERVER_NAME });
  assert.ok(error instanceof TlsHandshakeError, String(error));
  assert.match(error.message, /requires a client certificate \(mTLS\) and none was given: set TEMPORAL_TLS_CLIENT_CERT_PATH and TEMPORAL_TLS_CLIENT_KEY_PATH/);
});

void test("a CA that did not sign the server's certificate fails at start with one line naming TEMPORAL_TLS_SERVER_CA_CERT_PATH", async () => {
  const error = await startFails({
    TEMPORAL_ADDRESS: mtls.address,
    TEMPORAL_TLS_SERVER_CA_CERT_PATH: certs.wrongCaFile,
    TEMPORAL_TLS_CLIENT_CERT_PATH: certs.clientCertFile,
    TEMPORAL_TLS_CLIENT_KEY_PATH: certs.clientKeyFile,
  });
  assert.ok(error instanceof TlsHandshakeError, String(error));
  assert.match(error.message, new RegExp(`the server's certificate is not signed by TEMPORAL_TLS_SERVER_CA_CERT_PATH / temporal.tls.caFile \\(${certs.wrongCaFile}\\)`));

  const systemCas = await startFails({ TEMPORAL_ADDRESS: tlsOnly.address, TEMPORAL_TLS: 'true' });
  assert.match(systemCas.message, /not signed by a CA this system trusts .*: set TEMPORAL_TLS_SERVER_CA_CERT_PATH/);

  const wrongName = await startFails({ TEMPORAL_ADDRESS: tlsOnly.address, TEMPORAL_TLS_SERVER_CA_CERT_PATH: certs.caFile, TEMPORAL_TLS_SERVER_NAME: 'other.test' });
  assert.match(wrongName.message, /not valid for other\.test .*: set TEMPORAL_TLS_SERVER_NAME/);
});

void test('a missing or mismatched TLS file fails when the config is read, naming the variable and the path', async () => {
  const missing = `${certs.dir}/nope.pem`;
  await assert.rejects(envConfig({ TEMPORAL_TLS_SERVER_CA_CERT_PATH: missing }), (error: unknown) => {
    assert.ok(error instanceof ConfigError);
    assert.equal(error.message, `environment: TEMPORAL_TLS_SERVER_CA_CERT_PATH: cannot read ${missing} (no such file): expected a readable PEM file of the CA that signed the Temporal server's certificate; fix the path`);
    return true;
  });
  await assert.rejects(envConfig({ TEMPORAL_TLS_CLIENT_CERT_PATH: certs.clientCertFile }), /environment: TEMPORAL_TLS_CLIENT_CERT_PATH: a client certificate needs both TEMPORAL_TLS_CLIENT_CERT_PATH and TEMPORAL_TLS_CLIENT_KEY_PATH: set TEMPORAL_TLS_CLIENT_KEY_PATH too/);
  await assert.rejects(
    envConfig({ TEMPORAL_TLS_CLIENT_CERT_PATH: certs.clientCertFile, TEMPORAL_TLS_CLIENT_KEY_PATH: certs.serverKeyFile }),
    /TEMPORAL_TLS_CLIENT_KEY_PATH: .*server\.key is not the private key of the client certificate/,
  );
  await assert.rejects(envConfig({ TEMPORAL_TLS_CLIENT_KEY_PATH: certs.caFile, TEMPORAL_TLS_CLIENT_CERT_PATH: certs.clientCertFile }), /holds no unencrypted PEM private key/);
});

void test('TLS against the plaintext server, and plaintext against the TLS server, each say which way to switch', async () => {
  const tlsToPlain = await startFails({ TEMPORAL_ADDRESS: temporal.address, TEMPORAL_TLS_SERVER_CA_CERT_PATH: certs.caFile });
  assert.match(tlsToPlain.message, /the server does not speak TLS .*: it is a plaintext server; unset TEMPORAL_TLS/);

  const config = await envConfig({ TEMPORAL_ADDRESS: tlsOnly.address });
  await assert.rejects(connectTemporalClient(config.temporal, { connectTimeoutMs: 2_000 }), /the server speaks TLS and the runner connects without it: set TEMPORAL_TLS=true/);
  await assert.rejects(connectTemporalWorker(config.temporal), /the server speaks TLS and the runner connects without it: set TEMPORAL_TLS=true/);
});

void test('an API key the server refuses fails at start with one line naming TEMPORAL_API_KEY, without the key', async () => {
  const cloud = await startRefusingGrpcServer({ certFile: certs.serverCertFile, keyFile: certs.serverKeyFile });
  try {
    const env = { TEMPORAL_ADDRESS: cloud.address, TEMPORAL_API_KEY: API_KEY, TEMPORAL_TLS_SERVER_CA_CERT_PATH: certs.caFile };
    const error = await startFails(env);
    assert.ok(error instanceof CredentialsRefusedError, String(error));
    assert.match(error.message, /the server refused the API key \(TEMPORAL_API_KEY \/ temporal.apiKey\) \(Request unauthorized.\): check that the key is valid/);
    assert.ok(!error.message.includes(API_KEY));
    assert.equal(cloud.authorizations[0], `Bearer ${API_KEY}`, 'the key went as a bearer token');
    // The worker's (native) connection maps the same refusal.
    await assert.rejects(connectTemporalWorker((await envConfig(env)).temporal), CredentialsRefusedError);
  } finally {
    await cloud.close();
  }
});
