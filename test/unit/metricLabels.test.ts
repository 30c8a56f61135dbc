// Metrics labels stay bounded: a job's path is labelled by the template it matches, never raw.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { BackendRegistry } from '../../src/config/backendRegistry.js';
import { configFromObject } from '../../src/config/loadConfig.js';
import { failureReason, OTHER_PATH_LABEL } from '../../src/core/metricLabels.js';

const spec = fileURLToPath(new URL('../fixtures/jobs-openapi.yml', import.meta.url));

function registry() {
  return BackendRegistry.load(
    configFromObject({
      backends: [
        { name: 'api', table: 'job', baseUrl: 'http://127.0.0.1:1', authToken: 'token-one-xyz', specPath: spec },
        { name: 'hooks', table: 'hook_job', baseUrl: 'http://127.0.0.1:1', authToken: 'token-two-xyz', allowedPaths: ['/hooks/', '/users/{id}/notify'] },
        { name: 'any', table: 'any_job', baseUrl: 'http://127.0.0.1:1', authToken: 'token-three-xyz', allowAnyPath: true },
      ],
    }),
  );
}

void test('a path declared in the OpenAPI spec is labelled by its template, not by its parameters', async () => {
  const r = await registry();
  assert.equal(r.pathLabel('api', '/status/404'), '/status/{code}');
  assert.equal(r.pathLabel('api', '/status/503'), '/status/{code}');
  assert.equal(r.pathLabel('api', '/echo'), '/echo');
});

void test('a path within allowedPaths is labelled by the entry it matches: the prefix or the pattern', async () => {
  const r = await registry();
  assert.equal(r.pathLabel('hooks', '/hooks/order-42'), '/hooks/');
  assert.equal(r.pathLabel('hooks', '/users/7/notify'), '/users/{id}/notify');
});

void test('a path no template matches (undeclared, allowAnyPath, unknown backend) gets the one fixed placeholder', async () => {
  const r = await registry();
  assert.equal(r.pathLabel('api', '/not/declared/123'), OTHER_PATH_LABEL);
  assert.equal(r.pathLabel('any', '/anything/9f3a'), OTHER_PATH_LABEL);
  assert.equal(r.pathLabel('nobody', '/echo'), OTHER_PATH_LABEL);
});

void test('a failure reason is the HTTP class, or timeout/invalid/killed/cancelled, or transport when no HTTP answer came', () => {
  assert.deepEqual(
    [404, 400, 499, 500, 503, 0, 302, 'timeout', 'invalid', 'killed', 'cancelled', undefined].map((code) => failureReason(code as never)),
    ['http_4xx', 'http_4xx', 'http_4xx', 'http_5xx', 'http_5xx', 'transport', 'transport', 'timeout', 'invalid', 'killed', 'cancelled', 'invalid'],
  );
});
