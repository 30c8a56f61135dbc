import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isCredential, newCredential } from '../../src/adapters/surrealRpc/rpcCredential.js';
import { checkOrigin, parseOrigins, upgradeRefusal } from '../../src/adapters/surrealRpc/upgradeGuard.js';

const policy = { port: 8765, allowedOrigins: ['https://app.surrealdb.com'] };
const upgrade = (headers: Record<string, string>) => upgradeRefusal({ headers }, policy);

void test('an upgrade without Origin to 127.0.0.1 or localhost on its port goes ahead', () => {
  assert.equal(upgrade({ host: '127.0.0.1:8765' }), undefined);
  assert.equal(upgrade({ host: 'localhost:8765' }), undefined);
});

void test('an upgrade from a page of another origin is refused; an allowed origin goes ahead', () => {
  assert.match(upgrade({ host: '127.0.0.1:8765', origin: 'http://127.0.0.1:3000' }) ?? '', /Origin "http:\/\/127\.0\.0\.1:3000" is not allowed/);
  assert.match(upgrade({ host: '127.0.0.1:8765', origin: 'null' }) ?? '', /not allowed/);
  assert.equal(upgrade({ host: '127.0.0.1:8765', origin: 'https://App.SurrealDB.com' }), undefined);
});

void test('an upgrade for another Host (DNS rebinding) or another port is refused', () => {
  assert.match(upgrade({ host: 'evil.example:8765' }) ?? '', /Host "evil\.example:8765" is not 127\.0\.0\.1:8765/);
  assert.match(upgrade({ host: '127.0.0.1:9999' }) ?? '', /Host/);
  assert.match(upgrade({}) ?? '', /Host/);
});

void test('origins are scheme://host[:port] without a path; the environment list is comma-separated', () => {
  assert.equal(checkOrigin('https://app.surrealdb.com/'), 'https://app.surrealdb.com');
  assert.equal(checkOrigin('tauri://localhost'), 'tauri://localhost');
  assert.throws(() => checkOrigin('app.surrealdb.com'), /expected scheme:\/\/host\[:port\]/);
  assert.throws(() => checkOrigin('https://app.surrealdb.com/path'), /without a path/);
  assert.deepEqual(parseOrigins(' https://a.example, http://127.0.0.1:3000 '), ['https://a.example', 'http://127.0.0.1:3000']);
  assert.deepEqual(parseOrigins(undefined), []);
});

void test('only the exact root-level user and password of the run count as the credential', () => {
  const credential = newCredential();
  assert.ok(isCredential({ user: credential.user, pass: credential.pass }, credential));
  assert.ok(!isCredential({ user: credential.user, pass: `${credential.pass}x` }, credential));
  assert.ok(!isCredential({ user: 'root', pass: credential.pass }, credential));
  assert.ok(!isCredential({ user: credential.user, pass: credential.pass, ns: 'main' }, credential), 'a namespace user is another user');
  assert.ok(!isCredential({ user: credential.user, pass: credential.pass, ac: 'users' }, credential));
  assert.ok(!isCredential('token', credential));
  assert.ok(!isCredential(null, credential));
  assert.notEqual(newCredential().pass, credential.pass, 'a new password each run');
});
