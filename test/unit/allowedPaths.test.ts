import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { configFromObject } from '../../src/config/loadConfig.js';
import { BackendRegistry } from '../../src/config/backendRegistry.js';
import { allowedPathMatcher } from '../../src/core/pathTemplate.js';
import { UnsafePathError } from '../../src/core/errors.js';

async function registryFor(backend: Record<string, unknown>): Promise<BackendRegistry> {
  return BackendRegistry.load(configFromObject({ backends: [{ name: 'hooks', baseUrl: 'http://127.0.0.1:1', ...backend }] }));
}

void test('allowedPaths: an entry ending in / is a prefix, any other entry a whole path, {name} one plain segment', () => {
  const allowed = allowedPathMatcher(['/hooks/', '/users/{id}', '/ping', '/tenants/{t}/events/']);
  for (const path of ['/hooks/', '/hooks/a', '/hooks/a/b', '/users/42', '/users/a.b~c', '/ping', '/tenants/acme/events/x']) {
    assert.equal(allowed(path), true, path);
  }
  for (const path of ['/hook', '/hooksx', '/users/42/x', '/users/', '/ping/', '/pingx', '/admin', '/tenants/acme/other', '/users/a%20b']) {
    assert.equal(allowed(path), false, path);
  }
});

void test('a spec-less backend with allowedPaths refuses other paths, naming its allowedPaths', async () => {
  const registry = await registryFor({ allowedPaths: ['/hooks/', '/users/{id}'] });
  registry.assertDeclaredPath('hooks', '/hooks/order-paid');
  registry.assertDeclaredPath('hooks', '/users/42');
  assert.throws(() => registry.assertDeclaredPath('hooks', '/admin'), (error: unknown) => {
    assert.ok(error instanceof UnsafePathError);
    assert.match(error.message, /not in backend hooks's allowedPaths \(\/hooks\/, \/users\/\{id\}\)/);
    return true;
  });
});

void test('a spec-less backend with allowAnyPath accepts any safe path, and is listed for the start warning', async () => {
  const registry = await registryFor({ allowAnyPath: true });
  registry.assertDeclaredPath('hooks', '/admin');
  assert.throws(() => registry.assertDeclaredPath('hooks', '/..;/admin'), UnsafePathError);
  assert.deepEqual(registry.backendsAllowingAnyPath, ['hooks']);
  assert.deepEqual((await registryFor({ allowedPaths: ['/hooks/'] })).backendsAllowingAnyPath, []);
});

void test('a hand-built config with a spec-less backend and neither setting refuses every path', async () => {
  const config = configFromObject({ backends: [{ name: 'hooks', baseUrl: 'http://127.0.0.1:1', allowAnyPath: true }] });
  const registry = await BackendRegistry.load({ ...config, backends: config.backends.map(({ allowAnyPath: _, ...b }) => b) });
  assert.throws(() => registry.assertDeclaredPath('hooks', '/hooks/x'), /no OpenAPI spec and no allowedPaths.*allowAnyPath: true/);
});

const hostile = fc
  .array(fc.constantFrom('..', '.', '..;', ';', '%2e%2e', '%2f', '%5c', '\\', '//', '@x', '\uff0e\uff0e', '%EF%BC%8E', '\u2215', 'admin', 'hooks', 'x'), {
    minLength: 1,
    maxLength: 5,
  })
  .map((parts) => `/hooks/${parts.join('/')}`);

void test('property: a path under an allowed prefix that would climb out of it is refused', async () => {
  const registry = await registryFor({ allowedPaths: ['/hooks/'] });
  fc.assert(
    fc.property(hostile, (path) => {
      try {
        registry.assertDeclaredPath('hooks', path);
      } catch (error) {
        return error instanceof UnsafePathError;
      }
      // Accepted: no segment may be a dot segment or carry a separator, however it is decoded.
      return path
        .split('/')
        .map((segment) => decodeURIComponent(segment).normalize('NFKC'))
        .every((segment) => segment !== '.' && segment !== '..' && !/[\\;@]/.test(segment));
    }),
    { numRuns: 2000 },
  );
});
