import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { configFromObject, loadConfig } from '../../src/config/loadConfig.js';
import { ConfigError } from '../../src/core/errors.js';

const FIXTURE = fileURLToPath(new URL('../fixtures/sp00ky.yml', import.meta.url));
const FIXTURE_DIR = path.dirname(FIXTURE);
const TOKEN = 'super-secret-token-0123456789';

async function tempYml(text: string): Promise<string> {
  const dir = await mkdtemp(path.join(tmpdir(), 'spky-config-'));
  const file = path.join(dir, 'sp00ky.yml');
  await writeFile(file, text);
  return file;
}

function isConfigError(check: (error: ConfigError) => void) {
  return (error: unknown) => {
    assert.ok(error instanceof ConfigError, `expected ConfigError, got ${String(error)}`);
    check(error);
    return true;
  };
}

void test('parses the sp00ky.yml example: backend apps only, defaults filled in, spec made absolute', async () => {
  const config = await loadConfig({ configPath: FIXTURE, env: {} });
  assert.equal(config.source, FIXTURE);
  assert.deepEqual(config.backends.map((b) => b.name), ['api', 'mailer']);
  const [api, mailer] = config.backends;
  assert.deepEqual(api, {
    name: 'api',
    table: 'job',
    baseUrl: 'http://localhost:3660',
    authToken: 'fixture-api-token-abcdef',
    timeoutSeconds: 10,
    timeoutOverridable: false,
    specPath: path.join(FIXTURE_DIR, 'openapi.yml'),
    concurrency: 10,
    maxRetriesLimit: 100,
    backoffBaseMs: 200,
    backoffMaxMs: 300_000,
    taskQueue: 'spooky-temporal.api',
    limits: { payloadBytes: 1_048_576, delayMs: 31_536_000_000, timeoutSeconds: 3_600 },
  });
  assert.deepEqual(mailer, {
    name: 'mailer',
    table: 'mail_job',
    baseUrl: 'https://mail.example.com/hooks',
    timeoutSeconds: 30,
    timeoutOverridable: true,
    allowedPaths: ['/send/', '/bounces/{id}'],
    concurrency: 4,
    maxRetriesLimit: 500,
    backoffBaseMs: 50,
    backoffMaxMs: 1000,
    taskQueue: 'spooky-temporal.mailer',
    limits: { payloadBytes: 65_536, delayMs: 7 * 86_400_000, timeoutSeconds: 7_200 },
  });
});

void test('SurrealDB settings fall back to the sp00ky.yml surrealdb block, and env vars win over it', async () => {
  const fromYml = await loadConfig({ configPath: FIXTURE, env: {} });
  assert.deepEqual(fromYml.surreal, {
    url: 'ws://127.0.0.1:8000',
    namespace: 'demo_ns',
    database: 'demo_db',
    username: 'root',
    password: 'fixture-db-password-123',
  });
  assert.deepEqual(fromYml.temporal, { address: '127.0.0.1:7233', namespace: 'default' });

  const fromEnv = await loadConfig({
    configPath: FIXTURE,
    env: { SURREAL_URL: 'mem://', SURREAL_NS: 'n', SURREAL_DB: 'd', TEMPORAL_ADDRESS: 'temporal:7233', TEMPORAL_NAMESPACE: 'jobs' },
  });
  assert.equal(fromEnv.surreal.url, 'mem://');
  assert.equal(fromEnv.surreal.namespace, 'n');
  assert.equal(fromEnv.surreal.database, 'd');
  assert.equal(fromEnv.surreal.username, 'root');
  assert.deepEqual(fromEnv.temporal, { address: 'temporal:7233', namespace: 'jobs' });
});

void test('overrides win over the file and the environment', async () => {
  const config = await loadConfig({
    configPath: FIXTURE,
    env: { SURREAL_URL: 'mem://', TEMPORAL_ADDRESS: 'temporal:7233' },
    overrides: { surreal: { url: 'surrealkv:///tmp/x' }, temporal: { address: 'localhost:9999' } },
  });
  assert.equal(config.surreal.url, 'surrealkv:///tmp/x');
  assert.equal(config.temporal.address, 'localhost:9999');
});

void test('without any source of SurrealDB or Temporal settings the documented defaults apply', async () => {
  const config = await loadConfig({
    env: { SPKY_JOB_CONFIG: '[{"name":"api","base_url":"http://localhost:3660","allow_any_path":true}]' },
    cwd: await mkdtemp(path.join(tmpdir(), 'spky-empty-')),
  });
  assert.deepEqual(config.surreal, { url: 'surrealkv://.data/surreal', namespace: 'main', database: 'main' });
  assert.deepEqual(config.temporal, { address: '127.0.0.1:7233', namespace: 'default' });
});

void test('parses SPKY_JOB_CONFIG, and it wins over sp00ky.yml for backends', async () => {
  const json = JSON.stringify([
    { name: 'api', table: 'job', base_url: 'http://api:3660/', auth_token: TOKEN, timeout: 5, timeout_overridable: true, allowed_paths: ['/hooks/'] },
    { name: 'mail', table: 'mail_job', base_url: 'http://mail:80', auth_token: '', timeout: null, concurrency: 2, max_retries_limit: 7, backoff_base_ms: 0, backoff_max_ms: 10, spec: 'specs/mail.yml', limits: { payload_bytes: 1000, delay: 60_000, timeout: '90m' } },
  ]);
  const config = await loadConfig({ configPath: FIXTURE, env: { SPKY_JOB_CONFIG: json }, cwd: '/srv/app' });
  assert.equal(config.source, 'SPKY_JOB_CONFIG');
  assert.deepEqual(config.backends[0], {
    name: 'api',
    table: 'job',
    baseUrl: 'http://api:3660',
    authToken: TOKEN,
    timeoutSeconds: 5,
    timeoutOverridable: true,
    allowedPaths: ['/hooks/'],
    concurrency: 10,
    maxRetriesLimit: 100,
    backoffBaseMs: 200,
    backoffMaxMs: 300_000,
    taskQueue: 'spooky-temporal.api',
    limits: { payloadBytes: 1_048_576, delayMs: 31_536_000_000, timeoutSeconds: 3_600 },
  });
  assert.deepEqual(config.backends[1], {
    name: 'mail',
    table: 'mail_job',
    baseUrl: 'http://mail:80',
    timeoutSeconds: 10,
    timeoutOverridable: false,
    specPath: '/srv/app/specs/mail.yml',
    concurrency: 2,
    maxRetriesLimit: 7,
    backoffBaseMs: 0,
    backoffMaxMs: 10,
    taskQueue: 'spooky-temporal.mail',
    limits: { payloadBytes: 1_000, delayMs: 60_000, timeoutSeconds: 5_400 },
  });
  // The yml's surrealdb block still applies: SPKY_JOB_CONFIG only carries backends.
  assert.equal(config.surreal.namespace, 'demo_ns');
});

void test('a bad deploy.timeout is a ConfigError naming the file and the dotted key', async () => {
  const file = await tempYml('apps:\n  api:\n    type: backend\n    baseUrl: http://localhost:3660\n    deploy:\n      timeout: -5\n');
  await assert.rejects(
    loadConfig({ configPath: file, env: {} }),
    isConfigError((error) => {
      assert.equal(error.source, file);
      assert.equal(error.key, 'apps.api.deploy.timeout');
      assert.match(error.expected, /positive whole number/);
      assert.ok(error.message.includes(file) && error.message.includes('apps.api.deploy.timeout'));
    }),
  );
  const fractional = await tempYml('apps:\n  api:\n    type: backend\n    baseUrl: http://localhost:3660\n    deploy: { timeout: "10" }\n');
  await assert.rejects(loadConfig({ configPath: fractional, env: {} }), isConfigError((e) => assert.equal(e.key, 'apps.api.deploy.timeout')));
});

void test('a backend without baseUrl is a ConfigError saying baseUrl is required', async () => {
  const file = await tempYml('apps:\n  api:\n    type: backend\n    hosting: external\n');
  await assert.rejects(
    loadConfig({ configPath: file, env: {} }),
    isConfigError((error) => {
      assert.equal(error.key, 'apps.api.baseUrl');
      assert.match(error.expected, /required/);
    }),
  );
});

void test('a baseUrl that is not an absolute http(s) URL, or has a query, is refused', async () => {
  for (const bad of ['localhost:3660', 'ftp://h/x', 'http://h/x?y=1', 'http://h/x#f', '/relative']) {
    const file = await tempYml(`apps:\n  api:\n    type: backend\n    baseUrl: "${bad}"\n`);
    await assert.rejects(loadConfig({ configPath: file, env: {} }), isConfigError((e) => assert.equal(e.key, 'apps.api.baseUrl')));
  }
});

void test('two backends on the same outbox table are a ConfigError', async () => {
  const file = await tempYml(
    'apps:\n  a:\n    type: backend\n    baseUrl: http://a\n  b:\n    type: backend\n    baseUrl: http://b\n',
  );
  await assert.rejects(
    loadConfig({ configPath: file, env: {} }),
    isConfigError((error) => {
      assert.equal(error.key, 'apps.b.method.table');
      assert.match(error.expected, /table "job" is already used by backend "a"/);
    }),
  );
  const json = '[{"name":"a","base_url":"http://a"},{"name":"a","table":"other","base_url":"http://b"}]';
  await assert.rejects(
    loadConfig({ env: { SPKY_JOB_CONFIG: json }, cwd: FIXTURE_DIR + '/nowhere' }),
    isConfigError((e) => {
      assert.equal(e.source, 'SPKY_JOB_CONFIG');
      assert.equal(e.key, '[1].name');
    }),
  );
});

void test('an invalid table name is refused with the expected pattern', async () => {
  const file = await tempYml('apps:\n  api:\n    type: backend\n    baseUrl: http://a\n    method: { type: outbox, table: Job-Table }\n');
  await assert.rejects(
    loadConfig({ configPath: file, env: {} }),
    isConfigError((e) => {
      assert.equal(e.key, 'apps.api.method.table');
      assert.match(e.expected, /\^\[a-z\]\[a-z0-9_\]\*\$/);
    }),
  );
});

void test('secrets never appear in error messages (yml, SPKY_JOB_CONFIG, invalid JSON, invalid YAML)', async () => {
  const cases: Array<() => Promise<unknown>> = [
    async () => loadConfig({ configPath: await tempYml(`apps:\n  api:\n    type: backend\n    baseUrl: 42\n    auth: { type: basic, token: ${TOKEN} }\n`), env: {} }),
    async () => loadConfig({ configPath: await tempYml(`apps:\n  api:\n    type: backend\n    baseUrl: http://${TOKEN}@h\n`), env: {} }),
    async () => loadConfig({ configPath: await tempYml(`apps:\n  api:\n    auth: { token: ${TOKEN} }\n   bad: [\n`), env: {} }),
    async () => loadConfig({ env: { SPKY_JOB_CONFIG: `[{"name":"api","auth_token":"${TOKEN}"}]` } }),
    async () => loadConfig({ env: { SPKY_JOB_CONFIG: `[{"name":"api","auth_token":"${TOKEN}",}]` } }),
    async () => loadConfig({ env: { SPKY_JOB_CONFIG: `[{"name":"api","auth_token":"${TOKEN}","base_url":"http://a","timeout":0}]` } }),
    async () => configFromObject({ backends: [{ name: 'api', baseUrl: 'nope', authToken: TOKEN }] }),
    async () => configFromObject({ backends: [{ name: 'api', baseUrl: 'http://a' }], surreal: { password: TOKEN, url: 'no scheme' } }),
  ];
  for (const run of cases) {
    await assert.rejects(
      run(),
      isConfigError((error) => {
        assert.ok(!error.message.includes(TOKEN), `token leaked in: ${error.message}`);
        assert.ok(!error.message.includes(TOKEN.slice(0, 12)), `token prefix leaked in: ${error.message}`);
      }),
    );
  }
});

void test('invalid YAML and invalid JSON are ConfigErrors naming their source', async () => {
  const file = await tempYml('apps:\n  api: [\n');
  await assert.rejects(loadConfig({ configPath: file, env: {} }), isConfigError((e) => assert.match(e.message, /invalid YAML at line/)));
  await assert.rejects(
    loadConfig({ env: { SPKY_JOB_CONFIG: '{not json' } }),
    isConfigError((e) => {
      assert.equal(e.source, 'SPKY_JOB_CONFIG');
      assert.match(e.expected, /invalid JSON/);
    }),
  );
  await assert.rejects(
    loadConfig({ env: { SPKY_JOB_CONFIG: '{"name":"api"}' } }),
    isConfigError((e) => assert.match(e.expected, /JSON array/)),
  );
});

void test('a missing explicit config file is a ConfigError with the path tried (configPath or SPKY_CONFIG)', async () => {
  const missing = path.join(tmpdir(), 'definitely-missing', 'sp00ky.yml');
  await assert.rejects(loadConfig({ configPath: missing, env: {} }), isConfigError((e) => assert.ok(e.message.includes(missing))));
  await assert.rejects(loadConfig({ env: { SPKY_CONFIG: missing } }), isConfigError((e) => assert.ok(e.message.includes(missing))));
});

void test('no backend anywhere is a ConfigError explaining both sp00ky.yml and SPKY_JOB_CONFIG', async () => {
  const cwd = await mkdtemp(path.join(tmpdir(), 'spky-none-'));
  await assert.rejects(
    loadConfig({ env: {}, cwd }),
    isConfigError((e) => {
      assert.match(e.message, /sp00ky\.yml/);
      assert.match(e.message, /SPKY_JOB_CONFIG/);
      assert.ok(e.message.includes(path.join(cwd, 'sp00ky.yml')));
    }),
  );
  const onlyFrontend = await tempYml('apps:\n  web:\n    type: frontend\n');
  await assert.rejects(loadConfig({ configPath: onlyFrontend, env: {} }), isConfigError((e) => assert.match(e.message, /type: backend/)));
});

void test('./sp00ky.yml in the working directory is used by default', async () => {
  const config = await loadConfig({ env: {}, cwd: FIXTURE_DIR });
  assert.equal(config.source, FIXTURE);
  assert.equal(config.backends.length, 2);
});

void test('configFromObject applies the same defaults and validation', () => {
  const config = configFromObject({ backends: [{ name: 'api', baseUrl: 'http://localhost:3660/', specPath: 'x/openapi.yml' }] });
  assert.equal(config.source, 'object');
  assert.deepEqual(config.backends[0], {
    name: 'api',
    table: 'job',
    baseUrl: 'http://localhost:3660',
    timeoutSeconds: 10,
    timeoutOverridable: false,
    specPath: path.resolve('x/openapi.yml'),
    concurrency: 10,
    maxRetriesLimit: 100,
    backoffBaseMs: 200,
    backoffMaxMs: 300_000,
    taskQueue: 'spooky-temporal.api',
    limits: { payloadBytes: 1_048_576, delayMs: 31_536_000_000, timeoutSeconds: 3_600 },
  });
  assert.deepEqual(config.surreal, { url: 'surrealkv://.data/surreal', namespace: 'main', database: 'main' });

  assert.throws(
    () => configFromObject({ backends: [{ name: 'a', baseUrl: 'http://a', timeout: 5 }] }, 'test'),
    isConfigError((e) => {
      assert.equal(e.source, 'test');
      assert.equal(e.key, 'backends[0]');
      assert.match(e.expected, /unknown key\(s\) timeout/);
    }),
  );
  assert.throws(
    () => configFromObject({ backends: [{ name: 'a', baseUrl: 'http://a' }, { name: 'b', baseUrl: 'http://b' }] }),
    isConfigError((e) => assert.equal(e.key, 'backends[1].table')),
  );
  assert.throws(
    () => configFromObject({ backends: [{ name: 'a', baseUrl: 'http://a', backoffBaseMs: 500, backoffMaxMs: 100 }] }),
    isConfigError((e) => assert.equal(e.key, 'backends[0].backoffMaxMs')),
  );
  assert.throws(() => configFromObject({ backends: [] }), isConfigError((e) => assert.equal(e.key, 'backends')));
});

void test('limits: method.limits in sp00ky.yml, limits in SPKY_JOB_CONFIG and in code; bad values are ConfigErrors naming the key', async () => {
  const yml = (limits: string) => tempYml(`apps:\n  api:\n    type: backend\n    baseUrl: http://localhost:3660\n    method:\n      allowAnyPath: true\n      limits: ${limits}\n`);
  const ok = await loadConfig({ configPath: await yml('{ payloadBytes: 2048, delay: 86400000, timeout: 30 }'), env: {} });
  assert.deepEqual(ok.backends[0]?.limits, { payloadBytes: 2048, delayMs: 86_400_000, timeoutSeconds: 30 });
  const partial = await loadConfig({ configPath: await yml('{ timeout: 1h30m }'), env: {} });
  assert.deepEqual(partial.backends[0]?.limits, { payloadBytes: 1_048_576, delayMs: 31_536_000_000, timeoutSeconds: 5_400 });

  for (const [limits, key] of [
    ['{ payloadBytes: 0 }', 'apps.api.method.limits.payloadBytes'],
    ['{ delay: -1 }', 'apps.api.method.limits.delay'],
    ['{ delay: 5 parsecs }', 'apps.api.method.limits.delay'],
    ['{ delay: 36500000d }', 'apps.api.method.limits.delay'],
    ['{ timeout: 1500ms }', 'apps.api.method.limits.timeout'],
    ['{ timeout: 25d }', 'apps.api.method.limits.timeout'],
    ['{ timeout: 2147484 }', 'apps.api.method.limits.timeout'],
    ['{ payloadBytes: 10, delayMS: 5 }', 'apps.api.method.limits'],
  ] as const) {
    await assert.rejects(loadConfig({ configPath: await yml(limits), env: {} }), isConfigError((e) => assert.equal(e.key, key, limits)));
  }
  // The backend's own timeout must fit a Node timer too (2^31-1 ms): 1e9 s would fire after 1 ms.
  const huge = await tempYml('apps:\n  api:\n    type: backend\n    baseUrl: http://localhost:3660\n    method: { allowAnyPath: true }\n    deploy: { timeout: 1000000000 }\n');
  await assert.rejects(
    loadConfig({ configPath: huge, env: {} }),
    isConfigError((e) => {
      assert.equal(e.key, 'apps.api.deploy.timeout');
      assert.match(e.expected, /at most 2,147,483/);
    }),
  );

  const env = (limits: unknown) => loadConfig({ env: { SPKY_JOB_CONFIG: JSON.stringify([{ name: 'api', base_url: 'http://a', allow_any_path: true, limits }]) }, cwd: '/srv' });
  assert.deepEqual((await env({ payload_bytes: 10, delay: '1d', timeout: 60 })).backends[0]?.limits, { payloadBytes: 10, delayMs: 86_400_000, timeoutSeconds: 60 });
  await assert.rejects(env({ payloadBytes: 10 }), isConfigError((e) => assert.equal(e.key, '[0].limits')));
  await assert.rejects(env({ timeout: 1e9 }), isConfigError((e) => assert.equal(e.key, '[0].limits.timeout')));

  const inCode = configFromObject({ backends: [{ name: 'api', baseUrl: 'http://a', allowAnyPath: true, limits: { payloadBytes: 100, timeoutSeconds: 5 } }] });
  assert.deepEqual(inCode.backends[0]?.limits, { payloadBytes: 100, delayMs: 31_536_000_000, timeoutSeconds: 5 });
  assert.throws(
    () => configFromObject({ backends: [{ name: 'api', baseUrl: 'http://a', allowAnyPath: true, limits: { delayMs: -1 } }] }),
    isConfigError((e) => assert.equal(e.key, 'backends[0].limits.delayMs')),
  );
  assert.throws(
    () => configFromObject({ backends: [{ name: 'api', baseUrl: 'http://a', allowAnyPath: true, timeoutSeconds: 1e9 }] }),
    isConfigError((e) => assert.equal(e.key, 'backends[0].timeoutSeconds')),
  );
});

void test('a backend without an OpenAPI spec needs allowedPaths or allowAnyPath, and the error names the backend and both fixes', async () => {
  const yml = await tempYml('apps:\n  mailer:\n    type: backend\n    baseUrl: http://mail\n');
  await assert.rejects(
    loadConfig({ configPath: yml, env: {} }),
    isConfigError((e) => {
      assert.equal(e.key, 'apps.mailer.method.allowedPaths');
      assert.match(e.expected, /backend "mailer" has no OpenAPI spec/);
      assert.match(e.expected, /apps\.mailer\.method\.allowedPaths \(prefixes such as \/hooks\/ or patterns such as \/users\/\{id\}\)/);
      assert.match(e.expected, /apps\.mailer\.method\.allowAnyPath: true/);
    }),
  );
  await assert.rejects(
    loadConfig({ env: { SPKY_JOB_CONFIG: '[{"name":"mailer","base_url":"http://mail"}]' }, cwd: FIXTURE_DIR + '/nowhere' }),
    isConfigError((e) => {
      assert.equal(e.key, '[0].allowed_paths');
      assert.match(e.expected, /\[0\]\.allow_any_path: true/);
    }),
  );
  assert.throws(
    () => configFromObject({ backends: [{ name: 'mailer', baseUrl: 'http://mail' }] }),
    isConfigError((e) => {
      assert.equal(e.key, 'backends[0].allowedPaths');
      assert.match(e.expected, /backends\[0\]\.allowAnyPath: true/);
    }),
  );
});

void test('allowedPaths and allowAnyPath are read from sp00ky.yml (method), SPKY_JOB_CONFIG (snake_case) and the config object', async () => {
  const yml = await tempYml('apps:\n  api:\n    type: backend\n    baseUrl: http://a\n    method: { allowedPaths: [/hooks/, "/users/{id}"] }\n  b:\n    type: backend\n    baseUrl: http://b\n    method: { table: b_job, allowAnyPath: true }\n');
  const fromYml = await loadConfig({ configPath: yml, env: {} });
  assert.deepEqual(fromYml.backends.map((b) => [b.allowedPaths, b.allowAnyPath]), [[['/hooks/', '/users/{id}'], undefined], [undefined, true]]);
  const fromEnv = await loadConfig({
    env: { SPKY_JOB_CONFIG: '[{"name":"a","base_url":"http://a","allowed_paths":["/x/{id}"]},{"name":"b","table":"b_job","base_url":"http://b","allow_any_path":true}]' },
    cwd: FIXTURE_DIR + '/nowhere',
  });
  assert.deepEqual(fromEnv.backends.map((b) => [b.allowedPaths, b.allowAnyPath]), [[['/x/{id}'], undefined], [undefined, true]]);
  const fromObject = configFromObject({ backends: [{ name: 'a', baseUrl: 'http://a', allowedPaths: ['/hooks/'] }] });
  assert.deepEqual(fromObject.backends[0]?.allowedPaths, ['/hooks/']);
});

void test('bad allowedPaths entries are refused naming the key: no traversal, no bare "/", not empty, not with allowAnyPath', () => {
  for (const [allowedPaths, pattern] of [
    [[], /at least one/],
    [['/'], /allowAnyPath: true/],
    [['hooks/'], /start with '\/'/],
    [['/a/../admin'], /prefix ending in/],
    [['/a//b'], /prefix ending in/],
    [['/a;b'], /prefix ending in/],
    [['/a%2e'], /prefix ending in/],
  ] as const) {
    assert.throws(
      () => configFromObject({ backends: [{ name: 'a', baseUrl: 'http://a', allowedPaths: [...allowedPaths] }] }),
      isConfigError((e) => {
        assert.match(e.key, /^backends\[0\]\.allowedPaths/);
        assert.match(e.expected, pattern);
      }),
      JSON.stringify(allowedPaths),
    );
  }
  assert.throws(
    () => configFromObject({ backends: [{ name: 'a', baseUrl: 'http://a', allowedPaths: ['/x/'], allowAnyPath: true }] }),
    isConfigError((e) => assert.match(e.expected, /keep one/)),
  );
});
