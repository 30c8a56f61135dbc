// The AES-256-GCM payload codec and its keys: round trip, rotation by key id, tampering, and
// config errors that fail at start with one line and never echo a key.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { defaultPayloadConverter, type Payload } from '@temporalio/common';
import { AesGcmPayloadCodec, payloadKeyId } from '../../src/adapters/temporal/aesGcmCodec.js';
import { payloadCodecFor } from '../../src/adapters/temporal/dataConverter.js';
import { configFromObject, loadConfig } from '../../src/config/loadConfig.js';
import { configSecrets } from '../../src/config/configSecrets.js';
import { ConfigError, PayloadCodecError } from '../../src/core/errors.js';
import { resolveCodecServerConfig } from '../../src/config/codecServerConfig.js';

const JOB_CONFIG = JSON.stringify([{ name: 'api', base_url: 'http://localhost:3660', allow_any_path: true }]);
const keyA = randomBytes(32).toString('base64');
const keyB = randomBytes(32).toString('base64');
const SECRET_TEXT = 'alice@example.com ordered 3 violins';

const payloadOf = (value: unknown): Payload => defaultPayloadConverter.toPayload(value);
const valueOf = (payload: Payload): unknown => defaultPayloadConverter.fromPayload(payload);
const envConfig = (env: Record<string, string>) => loadConfig({ env: { SPKY_JOB_CONFIG: JOB_CONFIG, ...env } });

void test('an encoded payload holds no byte of its value in clear, names its key id, and decodes back to the value', async () => {
  const codec = payloadCodecFor({ keys: [{ id: 'a', key: keyA }] });
  const [encoded] = await codec.encode([payloadOf({ text: SECRET_TEXT })]);
  assert.ok(!Buffer.from(encoded!.data!).includes(Buffer.from('violins')), 'the value is not in the ciphertext');
  assert.equal(payloadKeyId(encoded!), 'a');
  assert.deepEqual(valueOf((await codec.decode([encoded!]))[0]!), { text: SECRET_TEXT });
});

void test('after a rotation new payloads use the newest key and payloads of the older key still decode', async () => {
  const before = payloadCodecFor({ keys: [{ id: 'a', key: keyA }] });
  const after = payloadCodecFor({ keys: [{ id: 'a', key: keyA }, { id: 'b', key: keyB }] });
  const [old] = await before.encode([payloadOf('old')]);
  const [fresh] = await after.encode([payloadOf('new')]);
  assert.equal(payloadKeyId(fresh!), 'b');
  assert.deepEqual((await after.decode([old!, fresh!])).map(valueOf), ['old', 'new']);
});

void test('a payload of a key id the codec lacks fails to decode with a message naming the ids and no key', async () => {
  const [encoded] = await payloadCodecFor({ keys: [{ id: 'a', key: keyA }] }).encode([payloadOf(1)]);
  const other = payloadCodecFor({ keys: [{ id: 'b', key: keyB }] });
  const error = await other.decode([encoded!]).then(() => assert.fail('decoded'), (e: unknown) => e as Error);
  assert.ok(error instanceof PayloadCodecError);
  assert.match(error.message, /encrypted with key id a, which is not among this process's keys \(b\)/);
  for (const key of [keyA, keyB]) assert.ok(!error.message.includes(key));
});

void test('a different key under the same id, or an altered payload, fails to decode instead of yielding garbage', async () => {
  const [encoded] = await payloadCodecFor({ keys: [{ id: 'a', key: keyA }] }).encode([payloadOf('x')]);
  const wrongKey = payloadCodecFor({ keys: [{ id: 'a', key: keyB }] });
  await assert.rejects(wrongKey.decode([encoded!]), /does not decrypt with this process's key a/);
  const relabelled: Payload = { ...encoded!, metadata: { ...encoded!.metadata, 'encryption-key-id': Buffer.from('b') } };
  const both = payloadCodecFor({ keys: [{ id: 'a', key: keyA }, { id: 'b', key: keyA }] });
  await assert.rejects(both.decode([relabelled]), /does not decrypt/, 'the key id is authenticated');
});

void test('a payload written before the codec was switched on passes through decode unchanged', async () => {
  const plain = payloadOf({ legacy: true });
  assert.deepEqual(await new AesGcmPayloadCodec([{ id: 'a', key: Buffer.from(keyA, 'base64') }]).decode([plain]), [plain]);
});

void test('SPKY_CODEC_KEYS is read oldest first, the last key encrypting, and its keys are scrubbed from logs', async () => {
  const config = await envConfig({ SPKY_CODEC_KEYS: `a:${keyA}, b:${keyB}` });
  assert.deepEqual(config.temporal.codec?.keys.map((k) => k.id), ['a', 'b']);
  assert.ok(configSecrets(config).includes(keyA) && configSecrets(config).includes(keyB));
  const none = await envConfig({});
  assert.equal(none.temporal.codec, undefined, 'no keys: payloads in clear');
});

void test('SPKY_CODEC_KEY_FILE holds one key per line with comments; the config object takes codecKeys', async () => {
  const dir = await mkdtemp(path.join(tmpdir(), 'spky-codec-'));
  try {
    const file = path.join(dir, 'keys');
    await writeFile(file, `# rotated 2025-06\n2025-01:${keyA}\n\n2025-06:${keyB}  # current\n`);
    const config = await envConfig({ SPKY_CODEC_KEY_FILE: file });
    assert.deepEqual(config.temporal.codec?.keys.map((k) => k.id), ['2025-01', '2025-06']);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
  const fromObject = configFromObject({ backends: [{ name: 'api', baseUrl: 'http://localhost:3660', allowAnyPath: true }], temporal: { codecKeys: `k:${keyA}` } });
  assert.equal(fromObject.temporal.codec?.keys[0]?.id, 'k');
});

void test('a wrong or missing key fails at start with one line that says what to fix and never shows a key', async () => {
  const short = randomBytes(16).toString('base64');
  const cases: [Record<string, string>, RegExp][] = [
    [{ SPKY_CODEC_KEYS: `a:${short}` }, /SPKY_CODEC_KEYS: entry 1 \(key id a\): the key decodes to 16 bytes: expected 32 bytes of base64 \(make one with: openssl rand -base64 32\)/],
    [{ SPKY_CODEC_KEYS: keyA }, /SPKY_CODEC_KEYS: entry 1: expected <key id>:<base64 key>/],
    [{ SPKY_CODEC_KEYS: `a:${keyA}!` }, /entry 1 \(key id a\): the key is not base64/],
    [{ SPKY_CODEC_KEYS: `a:${keyA},a:${keyB}` }, /key id a is listed twice/],
    [{ SPKY_CODEC_KEY_FILE: '/nonexistent/spky-keys' }, /SPKY_CODEC_KEY_FILE: cannot read \/nonexistent\/spky-keys \(no such file\)/],
    [{ SPKY_CODEC_KEYS: `a:${keyA}`, SPKY_CODEC_KEY_FILE: '/tmp/x' }, /SPKY_CODEC_KEY_FILE is set too: give the keys in one place only/],
  ];
  for (const [env, expected] of cases) {
    const error = await envConfig(env).then(() => assert.fail(`accepted ${Object.keys(env).join(', ')}`), (e: unknown) => e as Error);
    assert.ok(error instanceof ConfigError, String(error));
    assert.match(error.message, expected);
    assert.doesNotMatch(error.message, /\n/);
    for (const key of [keyA, keyB, short]) assert.ok(!error.message.includes(key), `${error.message} shows a key`);
  }
});

void test('codec-server needs a token unless --no-token on a loopback address, and a UI origin without a path', () => {
  const env = { SPKY_CODEC_KEYS: `a:${keyA}` };
  const token = 'a-codec-server-token-0123456789';
  const served = resolveCodecServerConfig({}, { ...env, SPKY_CODEC_SERVER_TOKEN: token, SPKY_CODEC_UI_ORIGIN: 'http://localhost:8233, https://ui.example.com' });
  assert.deepEqual([served.host, served.port, served.token, served.uiOrigins], ['127.0.0.1', 8888, token, ['http://localhost:8233', 'https://ui.example.com']]);
  assert.equal(resolveCodecServerConfig({ token: false }, env).token, undefined, '--no-token on 127.0.0.1');
  const refusals: [Parameters<typeof resolveCodecServerConfig>, RegExp][] = [
    [[{}, env], /SPKY_CODEC_SERVER_TOKEN: expected a bearer token/],
    [[{ token: false, host: '0.0.0.0' }, env], /--no-token: serving without a token is allowed on a loopback address only, not 0.0.0.0/],
    [[{}, { ...env, SPKY_CODEC_SERVER_TOKEN: 'short' }], /expected a token of at least 16 characters/],
    [[{ uiOrigin: ['http://localhost:8233/namespaces'] }, { ...env, SPKY_CODEC_SERVER_TOKEN: token }], /--ui-origin: expected the Web UI's origin as scheme:\/\/host\[:port\]/],
    [[{}, {}], /SPKY_CODEC_KEYS: expected the runner's codec keys/],
  ];
  for (const [args, expected] of refusals) {
    assert.throws(() => resolveCodecServerConfig(...args), (error: unknown) => error instanceof ConfigError && expected.test(error.message) && !error.message.includes(keyA));
  }
});
