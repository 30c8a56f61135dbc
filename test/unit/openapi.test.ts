import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildSpec, loadOpenApiSpec } from '../../src/config/openapi.js';
import { ConfigError } from '../../src/core/errors.js';

const SPEC = fileURLToPath(new URL('../fixtures/openapi.yml', import.meta.url));

void test('lists only the POST operations of the spec, templates included', async () => {
  const spec = await loadOpenApiSpec(SPEC);
  assert.deepEqual([...spec.postPaths].sort(), ['/ping', '/reports/{year}/{month}.json', '/send-email', '/users/me', '/users/{id}']);
  assert.equal(spec.version, '3.0.3');
});

void test('matches job paths to templates: literal segments win, {param} matches one unreserved segment', async () => {
  const spec = await loadOpenApiSpec(SPEC);
  assert.deepEqual(spec.matchPath('/users/42'), { template: '/users/{id}' });
  assert.deepEqual(spec.matchPath('/users/me'), { template: '/users/me' });
  assert.deepEqual(spec.matchPath('/users/a.b~c-d_e'), { template: '/users/{id}' });
  assert.deepEqual(spec.matchPath('/reports/2024/05.json'), { template: '/reports/{year}/{month}.json' });
  assert.equal(spec.matchPath('/users/'), undefined);
  assert.equal(spec.matchPath('/users/1/2'), undefined);
  assert.equal(spec.matchPath('/users/a%2fb'), undefined);
  assert.equal(spec.matchPath('/users/..'), undefined);
  assert.equal(spec.matchPath('/users/a b'), undefined);
  assert.equal(spec.matchPath('/users/1?x=1'), undefined);
  assert.equal(spec.matchPath('/items'), undefined, 'GET-only paths are not job targets');
  assert.equal(spec.matchPath('/nope'), undefined);
});

void test('validates payloads through $ref with required properties and human reasons', async () => {
  const spec = await loadOpenApiSpec(SPEC);
  assert.deepEqual(spec.validatePayload('/users/{id}', { id: 'u1', name: 'Ada', age: null }), { ok: true });
  assert.deepEqual(spec.validatePayload('/users/{id}', { id: 'u1', name: 'Ada', friends: [{ id: 'u2', name: 'Bob' }] }), { ok: true });

  const missing = spec.validatePayload('/users/{id}', { id: 'u1' });
  assert.equal(missing.ok, false);
  assert.match(!missing.ok ? missing.reason : '', /payload: must have required property 'name'/);

  const wrongType = spec.validatePayload('/users/{id}', { id: 1, name: 'Ada' });
  assert.match(!wrongType.ok ? wrongType.reason : '', /payload\/id: must be string/);

  const recursive = spec.validatePayload('/users/{id}', { id: 'u1', name: 'Ada', friends: [{ id: 2, name: 'Bob' }] });
  assert.match(!recursive.ok ? recursive.reason : '', /payload\/friends\/0\/id: must be string/);

  const absent = spec.validatePayload('/users/{id}', undefined);
  assert.match(!absent.ok ? absent.reason : '', /required/);
});

void test('validates a $ref request body with formats, nullable, additionalProperties and OAS 3.0 exclusiveMinimum', async () => {
  const spec = await loadOpenApiSpec(SPEC);
  assert.deepEqual(spec.validatePayload('/send-email', { to: 'a@b.co', subject: 'hi', priority: null }), { ok: true });
  const badEmail = spec.validatePayload('/send-email', { to: 'not-an-email', subject: 'hi' });
  assert.match(!badEmail.ok ? badEmail.reason : '', /payload\/to: must match format "email"/);
  const extra = spec.validatePayload('/send-email', { to: 'a@b.co', subject: 'hi', bcc: 'x' });
  assert.match(!extra.ok ? extra.reason : '', /must NOT have additional properties 'bcc'/);
  const zero = spec.validatePayload('/send-email', { to: 'a@b.co', subject: 'hi', priority: 0 });
  assert.equal(zero.ok, false, 'exclusiveMinimum: true with minimum: 0 refuses 0');
});

void test('an operation without a JSON request body accepts any payload', async () => {
  const spec = await loadOpenApiSpec(SPEC);
  assert.deepEqual(spec.validatePayload('/ping', { anything: [1, 2] }), { ok: true });
  assert.deepEqual(spec.validatePayload('/ping', undefined), { ok: true });
  assert.deepEqual(spec.validatePayload('/reports/{year}/{month}.json', 42), { ok: true });
});

void test('an unknown template is refused with a reason', async () => {
  const spec = await loadOpenApiSpec(SPEC);
  const result = spec.validatePayload('/nope', {});
  assert.equal(result.ok, false);
});

void test('JSON specs load too, and OpenAPI 3.1 schemas use JSON Schema 2020-12', async () => {
  const dir = await mkdtemp(path.join(tmpdir(), 'openapi-'));
  const file = path.join(dir, 'openapi.json');
  await writeFile(
    file,
    JSON.stringify({
      openapi: '3.1.0',
      paths: {
        '/jobs/{id}': {
          post: {
            requestBody: {
              content: { 'application/json': { schema: { type: 'object', properties: { tags: { type: 'array', prefixItems: [{ type: 'string' }] }, note: { type: ['string', 'null'] } } } } },
            },
          },
        },
      },
    }),
  );
  const spec = await loadOpenApiSpec(file);
  assert.deepEqual(spec.matchPath('/jobs/7'), { template: '/jobs/{id}' });
  assert.deepEqual(spec.validatePayload('/jobs/{id}', { tags: ['a', 1], note: null }), { ok: true });
  assert.equal(spec.validatePayload('/jobs/{id}', { tags: [1] }).ok, false);
});

void test('spec loading errors are ConfigErrors naming the spec file', async () => {
  const dir = await mkdtemp(path.join(tmpdir(), 'openapi-'));
  const missing = path.join(dir, 'missing.yml');
  await assert.rejects(loadOpenApiSpec(missing), (error: unknown) => error instanceof ConfigError && error.source === missing);

  const broken = path.join(dir, 'broken.yml');
  await writeFile(broken, 'openapi: 3.0.0\npaths: [\n');
  await assert.rejects(loadOpenApiSpec(broken), (error: unknown) => error instanceof ConfigError && /invalid YAML/.test(error.message));

  assert.throws(() => buildSpec('swagger.yml', { swagger: '2.0', paths: {} }), (error: unknown) => error instanceof ConfigError && error.key === 'openapi');
});
