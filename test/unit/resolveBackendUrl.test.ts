import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { isSafeJobPath, resolveBackendUrl } from '../../src/core/resolveBackendUrl.js';
import { UnsafePathError } from '../../src/core/errors.js';

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

void test('accepts non-ASCII letters and digits, raw or percent-encoded', () => {
  assert.equal(resolveBackendUrl(BASE, '/users/josé').pathname, '/api/users/jos%C3%A9');
  assert.equal(resolveBackendUrl(BASE, '/users/jos%C3%A9').pathname, '/api/users/jos%C3%A9');
  assert.equal(resolveBackendUrl(BASE, '/städte/köln').pathname, '/api/st%C3%A4dte/k%C3%B6ln');
  assert.equal(isSafeJobPath('/orders/١٢٣'), true);
});

void test('names the look-alike it refuses by its code point', () => {
  assert.throws(() => resolveBackendUrl(BASE, '/%EF%BC%8E%EF%BC%8E/admin'), /U\+FF0E/);
  assert.throws(() => resolveBackendUrl(BASE, '/..;/admin'), /forbidden character/);
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
  // Path parameters: Tomcat and Jetty read `..;` as `..`.
  '/..;/admin',
  '/api/..;/admin',
  '/..;x=1/admin',
  '/users;jsessionid=1',
  '/%2e%2e%3b/admin',
  '/a%3bb',
  // Unicode look-alikes of '.', '/' and '\\', raw and percent-encoded (UTF-8).
  '/\uff0e\uff0e/admin',
  '/%EF%BC%8E%EF%BC%8E/admin',
  '/\u2024\u2024/admin',
  '/%E2%80%A4%E2%80%A4/admin',
  '/\ufe52\ufe52/admin',
  '/%EF%B9%92%EF%B9%92/admin',
  '/\u2025/admin',
  '/%E2%80%A5/admin',
  '/x\uff0f..\uff0fadmin',
  '/x%EF%BC%8F..%EF%BC%8Fadmin',
  '/x\u2215admin',
  '/x\u29f8admin',
  '/x\uff3cadmin',
  '/x%EF%BC%BCadmin',
  '/x\u3002\u3002/admin',
  // Overlong UTF-8 and IIS-style %u escapes.
  '/%c0%ae%c0%ae/admin',
  '/%u002e%u002e/admin',
  // Dots and spaces that Windows servers trim to '..'.
  '/.../admin',
  '/..%20/admin',
  '/%20/admin',
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
      assert.match(error.message, /declared by the backend \(its OpenAPI spec or allowedPaths\)/);
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

// What a lenient server might make of the path it receives: path parameters stripped (Tomcat,
// Jetty), percent-decoding (twice), Unicode folding (NFKC), '\\' as '/', trailing dots and
// spaces trimmed (Windows). Returns the segments after removing dot segments, or undefined when
// a '..' climbs above the root.
function lenientServerSegments(pathname: string): string[] | undefined {
  const decode = (text: string): string => {
    try {
      return decodeURIComponent(text);
    } catch {
      return text;
    }
  };
  const pieces = pathname
    .split('/')
    .map((segment) => segment.split(';')[0] ?? '')
    .flatMap((segment) => decode(decode(segment)).normalize('NFKC').split(/[/\\]/));
  const stack: string[] = [];
  for (const piece of pieces) {
    const trimmed = /^[.\s]+$/.test(piece) ? (piece.trim() === '.' ? '.' : '..') : piece;
    if (trimmed === '' || trimmed === '.') continue;
    if (trimmed === '..') {
      if (stack.length === 0) return undefined;
      stack.pop();
    } else {
      stack.push(trimmed);
    }
  }
  return stack;
}

const hostileSegment = fc.constantFrom(
  '..', '.', '...', '..;', ';', ';x=1', '%2e', '%2E%2e', '%3b', '%5c', '%2f', '%252e', '%c0%ae', '%u002e',
  '\uff0e', '%EF%BC%8E', '\u2024', '%E2%80%A4', '\ufe52', '%EF%B9%92', '\u2025', '%E2%80%A5',
  '\uff0f', '%EF%BC%8F', '\u2215', '%E2%88%95', '\u29f8', '%E2%A7%B8', '\uff3c', '%EF%BC%BC', '\u3002',
  '@', '@evil.example', '\\', ':', 'http:', 'evil.example', '%20', ' ', '..%20', 'admin', 'api', 'users', '42', 'é', '%C3%A9',
);
const hostileJoin = fc.constantFrom('/', '/', '/', '', '//', '\\');
const hostilePath = fc
  .array(fc.tuple(hostileJoin, fc.array(hostileSegment, { minLength: 1, maxLength: 3 })), { minLength: 1, maxLength: 6 })
  .map((parts) => parts.map(([join, segment]) => join + segment.join('')).join(''))
  .map((path) => (path.startsWith('/') ? path : `/${path}`));

for (const base of ['http://backend.internal:3660/api', 'https://h.example', 'http://127.0.0.1:8080/v1/hooks/']) {
  void test(`property: no hostile path that is accepted climbs out of ${base}, however leniently the server reads it`, () => {
    const baseUrl = new URL(base);
    const baseSegments = baseUrl.pathname.split('/').filter(Boolean);
    fc.assert(
      fc.property(hostilePath, (path) => {
        let url: URL;
        try {
          url = resolveBackendUrl(base, path);
        } catch (error) {
          return error instanceof UnsafePathError;
        }
        const seen = lenientServerSegments(url.pathname);
        return (
          url.origin === baseUrl.origin &&
          seen !== undefined &&
          seen.length >= baseSegments.length &&
          baseSegments.every((segment, i) => seen[i] === segment)
        );
      }),
      { numRuns: 5000 },
    );
  });
}
