// The SurrealDB endpoint `dev` serves (serveSurrealRpc) with a credential, over a real embedded
// engine, reached by the real SDK and the `ws` client: the credential is required and checked,
// a browser origin is refused at the upgrade, and sessions of two connections never mix.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import WebSocket from 'ws';
import { Surreal, createRemoteEngines } from 'surrealdb';
import { openEmbeddedEngine, type EmbeddedEngine } from '../../src/adapters/surrealRpc/embeddedEngine.js';
import { serveSurrealRpc, type SurrealRpcServer } from '../../src/adapters/surrealRpc/serveSurrealRpc.js';
import { defineCredentialUser, newCredential, type RpcCredential } from '../../src/adapters/surrealRpc/rpcCredential.js';
import { openSurreal } from '../../src/adapters/db/connect.js';
import { CredentialsRefusedError } from '../../src/core/errors.js';

const ALLOWED_ORIGIN = 'http://127.0.0.1:4000';
let engine: EmbeddedEngine;
let server: SurrealRpcServer;
let credential: RpcCredential;
const refusals: string[] = [];
const opened: Surreal[] = [];

/** Fails after `ms` naming what it waited for, so a hang fails fast and says where. */
function within<T>(ms: number, what: string, promise: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms: ${what}`)), ms)));
  return Promise.race([promise, deadline]).finally(() => clearTimeout(timer));
}

/** Signs in as the run's user, as `jobs` does (openSurreal with a root-level user). */
async function signedIn(namespace: string, database: string): Promise<Surreal> {
  const db = await within(10_000, `signin for ${namespace}/${database}`, openSurreal({ url: server.url, namespace, database, username: credential.user, password: credential.pass, authLevel: 'root' }));
  opened.push(db);
  return db;
}

/** A connection that never signs in. */
async function anonymous(): Promise<Surreal> {
  const db = new Surreal({ engines: createRemoteEngines(), websocketImpl: WebSocket as unknown as typeof globalThis.WebSocket });
  await within(10_000, 'anonymous connect', db.connect(server.url, { namespace: 'main', database: 'main' }));
  opened.push(db);
  return db;
}

/** The HTTP status of a WebSocket upgrade (101 when it opens). */
function upgradeStatus(options: WebSocket.ClientOptions): Promise<number> {
  return within(
    5_000,
    'the upgrade answer',
    new Promise<number>((resolve, reject) => {
      const socket = new WebSocket(`${server.url}/rpc`, 'cbor', options);
      socket.on('open', () => {
        socket.close();
        resolve(101);
      });
      socket.on('unexpected-response', (request, response) => {
        resolve(response.statusCode ?? 0);
        request.destroy();
      });
      socket.on('error', reject);
    }),
  );
}

async function refusedKind(operation: Promise<unknown>): Promise<{ kind: string; message: string }> {
  const error = (await within(5_000, 'a refusal', operation.then(() => assert.fail('expected a refusal'), (e: unknown) => e))) as { kind: string; message: string };
  return { kind: error.kind, message: error.message };
}

before(async () => {
  engine = await openEmbeddedEngine({ url: 'mem://', namespace: 'main', database: 'main' });
  credential = newCredential();
  await defineCredentialUser(engine.db, credential);
  server = await serveSurrealRpc({
    engine,
    credential,
    allowedOrigins: [ALLOWED_ORIGIN],
    signInHint: 'sign in with the user and password in dev.json',
    onRefused: (reason) => refusals.push(reason),
  });
});

after(async () => {
  await Promise.all(opened.map((db) => db.close().catch(() => undefined)));
  await server?.close();
  await engine?.db.close();
});

void test('a wrong password, another user, or the user at namespace level is refused with SurrealDB\'s authentication error', async () => {
  for (const attempt of [
    { username: credential.user, password: `${credential.pass}-wrong`, authLevel: 'root' as const },
    { username: 'root', password: 'root', authLevel: 'root' as const },
    { username: credential.user, password: credential.pass, authLevel: 'namespace' as const },
  ]) {
    const error = await within(10_000, 'a refused signin', openSurreal({ url: server.url, namespace: 'main', database: 'main', ...attempt }).then(
      (db) => (opened.push(db), assert.fail(`signin as ${attempt.username} (${attempt.authLevel}) was accepted`)),
      (e: unknown) => e,
    ));
    assert.ok(error instanceof CredentialsRefusedError, String(error));
    assert.match(String((error.cause as Error).message), /^There was a problem with authentication$/);
    assert.equal((error.cause as { kind?: string }).kind, 'NotAllowed');
    assert.doesNotMatch(error.message, new RegExp(credential.pass));
  }
});

void test('before signing in a socket gets only version and ping: data methods are refused, and its `use` creates nothing', async () => {
  const db = await anonymous();
  assert.match((await db.version()).version, /^surrealdb-3\./);
  for (const operation of [db.query('INFO FOR ROOT'), db.query('CREATE note:1 SET text = "x"'), db.query('DEFINE USER intruder ON ROOT PASSWORD "x" ROLES OWNER')]) {
    const refused = await refusedKind(operation);
    assert.equal(refused.kind, 'NotAllowed');
    assert.match(refused.message, /^Not enough permissions to perform this action: query needs a signed-in session \(sign in with the user and password in dev\.json\)$/);
  }
  await db.use({ namespace: 'anon_ns', database: 'anon_db' });
  const [root] = await engine.db.query<[{ namespaces: Record<string, string>; users: Record<string, string> }]>('INFO FOR ROOT');
  assert.deepEqual(Object.keys(root.namespaces), ['main'], 'no namespace created before the signin');
  assert.deepEqual(Object.keys(root.users), [credential.user], 'no user defined by the anonymous socket');
});

void test('the run\'s credential signs in; its token signs in another socket; a made-up token is refused', async () => {
  const db = await signedIn('main', 'main');
  const [who] = await db.query<[string]>('RETURN $token.ID');
  assert.equal(who, credential.user);
  const token = await db.signin({ username: credential.user, password: credential.pass });
  const other = await anonymous();
  assert.equal((await refusedKind(other.authenticate('eyJhbGciOiJIUzUxMiJ9.e30.c2lnbmF0dXJl'))).kind, 'NotAllowed');
  await within(5_000, 'authenticate with an issued token', other.authenticate(token));
  const [count] = await other.query<[number]>('RETURN count(SELECT * FROM $auth)');
  assert.equal(typeof count, 'number');
});

void test('two connections keep their own namespace, database, variables and auth; the host\'s own session is untouched', async () => {
  const a = await signedIn('ns_a', 'db_a');
  const b = await signedIn('ns_b', 'db_b');
  await a.set('secret', 'only-a');
  const probe = 'RETURN { ns: session::ns(), db: session::db(), secret: $secret, user: $token.ID }';
  const [seenByA] = await a.query<[Record<string, unknown>]>(probe);
  const [seenByB] = await b.query<[Record<string, unknown>]>(probe);
  assert.deepEqual(seenByA, { ns: 'ns_a', db: 'db_a', secret: 'only-a', user: credential.user });
  assert.deepEqual(seenByB, { ns: 'ns_b', db: 'db_b', secret: undefined, user: credential.user });
  const [host] = await engine.db.query<[Record<string, unknown>]>('RETURN { ns: session::ns(), db: session::db(), secret: $secret }');
  assert.deepEqual(host, { ns: 'main', db: 'main', secret: undefined });

  // Auth is per session: A signing out leaves B signed in, and a new session on B's socket starts signed out.
  await a.invalidate();
  assert.equal((await refusedKind(a.query('RETURN 1'))).kind, 'NotAllowed');
  const [still] = await b.query<[Record<string, unknown>]>(probe);
  assert.deepEqual(still, seenByB);
  const fresh = await b.newSession();
  assert.equal((await refusedKind(fresh.query('RETURN 1'))).kind, 'NotAllowed');
  // A session lists only its own socket's sessions, never another connection's.
  const listed = (await b.sessions()).map(String);
  assert.deepEqual(listed, [String(fresh.session)]);
  assert.deepEqual((await a.sessions()).map(String), []);
});

void test('a WebSocket with the Origin of another page is refused at the upgrade; no Origin or an allowed one opens', async () => {
  assert.equal(await upgradeStatus({ origin: 'http://127.0.0.1:3000' }), 403);
  assert.equal(await upgradeStatus({ origin: 'https://evil.example' }), 403);
  assert.equal(await upgradeStatus({}), 101);
  assert.equal(await upgradeStatus({ origin: ALLOWED_ORIGIN }), 101);
  assert.ok(refusals.some((reason) => reason.includes('Origin "http://127.0.0.1:3000" is not allowed')), refusals.join('\n'));
});

void test('a WebSocket naming another Host (DNS rebinding) is refused at the upgrade', async () => {
  assert.equal(await upgradeStatus({ headers: { host: `evil.example:${server.port}` } }), 403);
  assert.equal(await upgradeStatus({ headers: { host: `localhost:${server.port}` } }), 101);
});
