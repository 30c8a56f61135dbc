// Resolution of the Temporal TLS / API key and SurrealDB user settings: config object >
// environment > sp00ky.yml > defaults, with the `temporal` CLI's variable names.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { configFromObject, loadConfig } from '../../src/config/loadConfig.js';
import { configSecrets } from '../../src/config/configSecrets.js';
import { ConfigError } from '../../src/core/errors.js';
import { surrealSignin } from '../../src/adapters/db/connect.js';
import { connectionOverrides } from '../../src/app/cli/args.js';
import { temporalSecurity } from '../../src/adapters/temporal/temporalTls.js';
import { makeTestCerts, type TestCerts } from '../helpers/tlsCerts.js';

const JOB_CONFIG = JSON.stringify([{ name: 'api', base_url: 'http://localhost:3660', allow_any_path: true }]);
const BACKENDS = [{ name: 'api', baseUrl: 'http://localhost:3660', allowAnyPath: true }];
const API_KEY = 'cloud-api-key-abcdef123456';

let certs: TestCerts;
let dir: string;

before(async () => {
  certs = await makeTestCerts();
  dir = await mkdtemp(path.join(tmpdir(), 'spky-conn-'));
});
after(async () => {
  await certs?.remove();
  await rm(dir, { recursive: true, force: true });
});

const fromEnv = (env: Record<string, string>, overrides = {}) =>
  loadConfig({ env: { SPKY_JOB_CONFIG: JOB_CONFIG, ...env }, cwd: dir, overrides });

void test('Temporal stays plaintext unless TLS is switched on, a TLS file is named, or an API key is set (which implies TLS, as in the temporal CLI)', async () => {
  assert.deepEqual((await fromEnv({})).temporal, { address: '127.0.0.1:7233', namespace: 'default' });
  assert.deepEqual((await fromEnv({ TEMPORAL_TLS: 'true' })).temporal.tls, {});
  assert.deepEqual((await fromEnv({ TEMPORAL_TLS_SERVER_CA_CERT_PATH: certs.caFile })).temporal.tls, { caFile: certs.caFile });
  assert.deepEqual((await fromEnv({ TEMPORAL_TLS_SERVER_NAME: 'temporal.test' })).temporal.tls, { serverName: 'temporal.test' });
  const withKey = (await fromEnv({ TEMPORAL_API_KEY: API_KEY })).temporal;
  assert.deepEqual(withKey, { address: '127.0.0.1:7233', namespace: 'default', tls: {}, apiKey: API_KEY });
  assert.equal(temporalSecurity(withKey), 'TLS, API key');
  // An explicit false wins over everything that would imply TLS.
  const off = (await fromEnv({ TEMPORAL_TLS: 'false', TEMPORAL_API_KEY: API_KEY, TEMPORAL_TLS_SERVER_CA_CERT_PATH: certs.caFile })).temporal;
  assert.equal(off.tls, false);
  assert.equal(temporalSecurity(off), 'plaintext, API key');
});

void test('the full mTLS set comes from the temporal CLI variables', async () => {
  const config = await fromEnv({
    TEMPORAL_ADDRESS: 'temporal.example:7233',
    TEMPORAL_TLS_SERVER_CA_CERT_PATH: certs.caFile,
    TEMPORAL_TLS_CLIENT_CERT_PATH: certs.clientCertFile,
    TEMPORAL_TLS_CLIENT_KEY_PATH: certs.clientKeyFile,
    TEMPORAL_TLS_SERVER_NAME: 'temporal.test',
  });
  assert.deepEqual(config.temporal.tls, { caFile: certs.caFile, certFile: certs.clientCertFile, keyFile: certs.clientKeyFile, serverName: 'temporal.test' });
  assert.equal(temporalSecurity(config.temporal), 'mTLS');
});

void test('the config object wins over the environment field by field, and tls: false switches TLS off whatever the environment says', async () => {
  const env = { TEMPORAL_TLS_SERVER_CA_CERT_PATH: certs.wrongCaFile, TEMPORAL_TLS_SERVER_NAME: 'from-env.test', TEMPORAL_API_KEY: 'env-api-key-000000' };
  const merged = await fromEnv(env, { temporal: { tls: { caFile: certs.caFile }, apiKey: API_KEY } });
  assert.deepEqual(merged.temporal.tls, { caFile: certs.caFile, serverName: 'from-env.test' });
  assert.equal(merged.temporal.apiKey, API_KEY);
  assert.equal((await fromEnv(env, { temporal: { tls: false } })).temporal.tls, false);

  const object = configFromObject({ backends: BACKENDS, temporal: { address: 'a:1', tls: true } });
  assert.deepEqual(object.temporal, { address: 'a:1', namespace: 'default', tls: {} });
});

void test('CLI flags become overrides: a path flag wins over its variable, --temporal-tls alone switches TLS on', async () => {
  assert.deepEqual(connectionOverrides({ temporalTls: true }), { temporal: { tls: true } });
  const overrides = connectionOverrides({ temporalTlsCaPath: certs.caFile, temporalTlsServerName: 'temporal.test', authLevel: 'database' });
  assert.deepEqual(overrides, { surreal: { authLevel: 'database' }, temporal: { tls: { caFile: certs.caFile, serverName: 'temporal.test' } } });
  const config = await fromEnv({ TEMPORAL_TLS_SERVER_CA_CERT_PATH: certs.wrongCaFile, TEMPORAL_TLS_CLIENT_CERT_PATH: certs.clientCertFile, TEMPORAL_TLS_CLIENT_KEY_PATH: certs.clientKeyFile }, overrides);
  assert.deepEqual(config.temporal.tls, { caFile: certs.caFile, certFile: certs.clientCertFile, keyFile: certs.clientKeyFile, serverName: 'temporal.test' });
});

void test('bad TLS settings fail with the source and key that named them', async () => {
  await assert.rejects(fromEnv({ TEMPORAL_TLS: 'yes' }), /^ConfigError: environment: TEMPORAL_TLS: expected true or false/);
  await assert.rejects(fromEnv({ TEMPORAL_TLS_CLIENT_KEY_PATH: certs.clientKeyFile }), /environment: TEMPORAL_TLS_CLIENT_KEY_PATH: a client certificate needs both .*: set TEMPORAL_TLS_CLIENT_CERT_PATH too/);
  assert.throws(
    () => configFromObject({ backends: BACKENDS, temporal: { tls: { certFile: certs.clientCertFile } } }),
    /object: temporal.tls.certFile: a client certificate needs both temporal.tls.certFile and temporal.tls.keyFile: set temporal.tls.keyFile too/,
  );
  assert.throws(
    () => configFromObject({ backends: BACKENDS, temporal: { tls: { caFile: path.join(dir, 'missing.pem') } } }),
    (error: unknown) => error instanceof ConfigError && error.key === 'temporal.tls.caFile' && /cannot read .*missing\.pem \(no such file\)/.test(error.message),
  );
  const notPem = path.join(dir, 'not.pem');
  await writeFile(notPem, 'hello');
  await assert.rejects(fromEnv({ TEMPORAL_TLS_SERVER_CA_CERT_PATH: notPem }), /TEMPORAL_TLS_SERVER_CA_CERT_PATH: .*not\.pem holds no PEM certificate/);
  assert.throws(() => configFromObject({ backends: BACKENDS, temporal: { tls: { caFile: 5 } } }), /temporal.tls/);
  assert.throws(() => configFromObject({ backends: BACKENDS, temporal: { tls: { ca: 'x' } } }), /temporal.tls/);
});

void test('the API key is a secret: scrubbed from config errors and listed for the log scrubber', async () => {
  const config = await fromEnv({ TEMPORAL_API_KEY: API_KEY });
  assert.ok(configSecrets(config).includes(API_KEY));
  // A value echoed in an error (here the address, set to the key by mistake) is redacted.
  await assert.rejects(fromEnv({ TEMPORAL_API_KEY: API_KEY, TEMPORAL_ADDRESS: API_KEY }), (error: unknown) => {
    assert.ok(error instanceof Error && !error.message.includes(API_KEY));
    return true;
  });
  // A key *file* path is not a secret: errors show it.
  assert.throws(
    () => configFromObject({ backends: BACKENDS, temporal: { tls: { certFile: certs.clientCertFile, keyFile: path.join(dir, 'gone.key') } } }),
    /gone\.key/,
  );
});

void test('the SurrealDB auth level comes from the config object, SURREAL_AUTH_LEVEL or sp00ky.yml surrealdb.authLevel, and maps to the signin of that level', async () => {
  const yml = path.join(await mkdtemp(path.join(dir, 'yml-')), 'sp00ky.yml');
  await writeFile(
    yml,
    'apps:\n  api:\n    type: backend\n    baseUrl: http://localhost:3660\n    method: { type: outbox, allowAnyPath: true }\nsurrealdb:\n  endpoint: ws://db:8000\n  namespace: shop\n  database: prod\n  username: runner\n  password: runner-pass-123\n  authLevel: database\n',
  );
  const fromYml = await loadConfig({ configPath: yml, env: {} });
  assert.equal(fromYml.surreal.authLevel, 'database');
  assert.deepEqual(surrealSignin(fromYml.surreal), { namespace: 'shop', database: 'prod', username: 'runner', password: 'runner-pass-123' });
  const fromEnvLevel = await loadConfig({ configPath: yml, env: { SURREAL_AUTH_LEVEL: 'namespace' } });
  assert.deepEqual(surrealSignin(fromEnvLevel.surreal), { namespace: 'shop', username: 'runner', password: 'runner-pass-123' });
  const fromObject = await loadConfig({ configPath: yml, env: { SURREAL_AUTH_LEVEL: 'namespace' }, overrides: { surreal: { authLevel: 'root' } } });
  assert.deepEqual(surrealSignin(fromObject.surreal), { username: 'runner', password: 'runner-pass-123' });
  // Without a level: root, as before.
  assert.deepEqual(surrealSignin({ url: 'ws://x', namespace: 'n', database: 'd', username: 'u', password: 'p' }), { username: 'u', password: 'p' });
  assert.equal(surrealSignin({ url: 'ws://x', namespace: 'n', database: 'd' }), undefined);

  await assert.rejects(loadConfig({ configPath: yml, env: { SURREAL_AUTH_LEVEL: 'scope' } }), /environment: SURREAL_AUTH_LEVEL: expected root, namespace or database/);
  await writeFile(yml, 'apps: {}\nsurrealdb:\n  authLevel: system\n');
  await assert.rejects(loadConfig({ configPath: yml, env: {} }), /surrealdb.authLevel: expected root, namespace or database/);
});

void test('SURREAL_CA_PATH names a PEM CA for wss://, checked when the config is read', async () => {
  assert.equal((await fromEnv({ SURREAL_CA_PATH: certs.caFile })).surreal.caFile, certs.caFile);
  await assert.rejects(fromEnv({ SURREAL_CA_PATH: path.join(dir, 'none.pem') }), /environment: SURREAL_CA_PATH: cannot read .*none\.pem \(no such file\)/);
});
