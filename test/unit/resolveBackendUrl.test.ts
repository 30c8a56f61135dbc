import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { isSafeJobPath, resolveBackendUrl } from '../../src/activities/resolveBackendUrl.js';
import { UnsafePathError } from '../../src/errors.js';

const BASE = 'http://backend.internal:3660/api';

void test('appends the path to the base URL by plain concatenation, like Sp00ky', () => {
  assert.equal(resolveBackendUrl('http://h:1/api', '/x').href, 'http://h:1/api/x');
  assert.equal(resolveBackendUrl('http://h:1', '/users/42').href, 'http://h:1/users/42');
  assert.equal(resolveBackendUrl('http://h:1/api/', '/x').href, 'http://h:1/api/x');
  assert.equal(resolveBackendUrl(BASE, '/reports/2024/05.json').pathname, '/api/reports/2024/05.json');
});

void test('accepts harmless percent-escapes and a single trailing slash', () => {
  assert.equal(resolveBackendUrl(BASE, '/files/a%20b').pathname, '/api/files/a%20b');
  assert.equal(resolveBackendUrl(BASE, '/users/').pathname, '/api/users/');
  assert.equal(isSafeJobPath('/users/42'), true);
});

const ATTACKS = [
  '//evil.example/x',
  '@evil.example',
  '/@evil.example',
  'http://evil.example/x',
  '/../admin',
  '/a/../../admin',
  '/./x',
  '/%2e%2e/admin',
  '/%2E%2E/admin',
  '/.%2e/admin',
  '/a%2fb',
  '/a%2Fb',
  '/a%5cb',
  '/a\\b',
  '/%252e%252e/',
  '/x?y',
  '/x#y',
  '/ x',
  '/x\ty',
  '/x\ny',
  '/x%00',
  '/x%zz',
  '/a//b',
  '',
  'x',
  `/${'a'.repeat(2048)}`,
];

for (const attack of ATTACKS) {
  void test(`rejects the unsafe job path ${JSON.stringify(attack.slice(0, 40))} with UnsafePathError`, () => {
    assert.throws(() => resolveBackendUrl(BASE, attack), UnsafePathError);
    assert.equal(isSafeJobPath(attack), false);
  });
}

void test('the UnsafePathError message says what was expected and quotes the path truncated to 200 chars', () => {
  const long = `/../${'a'.repeat(500)}`;
  assert.throws(
    () => resolveBackendUrl(BASE, long),
    (error: unknown) => {
      assert.ok(error instanceof UnsafePathError);
      assert.match(error.message, /declared in the backend's OpenAPI spec/);
      assert.match(error.message, /starting with a single '\/'/);
      assert.ok(error.message.includes(long.slice(0, 200)));
      assert.ok(!error.message.includes(long.slice(0, 201)));
      return true;
    },
  );
});

void test('rejects a base URL that is not http(s) or carries a query', () => {
  assert.throws(() => resolveBackendUrl('file:///etc', '/passwd'), UnsafePathError);
  assert.throws(() => resolveBackendUrl('http://h/api?x=1', '/y'), UnsafePathError);
  assert.throws(() => resolveBackendUrl('not a url', '/y'), UnsafePathError);
});

// Path-ish fragments make the generator hit the interesting cases far more often than random text.
const fragment = fc.constantFrom(
  '/', '//', '.', '..', '%2e', '%2f', '%5c', '%25', '%', '@', '\\', '?', '#', ':', 'evil.example',
  'http:', 'a', 'users', '42', '%20', '~', ' ', '\t', '\u0000', '\u200b', '\uff0e', ';', '&', '=',
);
const pathLike = fc.array(fc.oneof(fragment, fc.string({ maxLength: 4 })), { maxLength: 12 }).map((parts) => parts.join(''));
const anyString = fc.oneof(fc.string(), fc.string({ unit: 'binary' }), pathLike, pathLike.map((p) => `/${p}`));

for (const base of ['http://backend.internal:3660/api', 'https://h.example', 'http://127.0.0.1:8080/v1/hooks/']) {
  void test(`property: any string either throws UnsafePathError or stays on ${base}`, () => {
    const baseUrl = new URL(base);
    const basePath = baseUrl.pathname.replace(/\/$/, '');
    fc.assert(
      fc.property(anyString, (path) => {
        let url: URL;
        try {
          url = resolveBackendUrl(base, path);
        } catch (error) {
          return error instanceof UnsafePathError;
        }
        return url.origin === baseUrl.origin && url.pathname.startsWith(`${basePath}/`) && url.search === '' && url.hash === '';
      }),
      { numRuns: 3000 },
    );
  });
}
