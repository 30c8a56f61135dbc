// SurrealDB users at root, namespace and database level, on the embedded engine (it enforces
// DEFINE USER passwords on signin), and wss:// with a self-signed certificate through a TLS
// proxy in front of a WebSocket server.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { AddressInfo } from 'node:net';
import { WebSocketServer } from 'ws';
import type { Surreal } from 'surrealdb';
import { openSurreal, signInSurreal } from '../../src/adapters/db/connect.js';
import { CredentialsRefusedError, TlsHandshakeError, UnreachableError } from '../../src/core/errors.js';
import type { SurrealConnectionConfig } from '../../src/core/interfaces.js';
import { makeTestCerts, type TestCerts } from '../helpers/tlsCerts.js';
import { startTlsProxy, type TlsProxy } from '../helpers/tlsProxy.js';

const PASSWORDS = { root: 'root-pass-0123', namespace: 'ns-pass-45678', database: 'db-pass-9abcd' };

let db: Surreal;
let certs: TestCerts;
let wsServer: WebSocketServer;
let proxy: TlsProxy;
const upgrades: string[] = [];

before(async () => {
  db = await openSurreal({ url: 'mem://', namespace: 'shop', database: 'prod' });
  // DEFINE USER takes a literal password, not a parameter (test-only values).
  await db.query(
    `DEFINE USER ops ON ROOT PASSWORD '${PASSWORDS.root}' ROLES OWNER;
     DEFINE USER shop_admin ON NAMESPACE PASSWORD '${PASSWORDS.namespace}' ROLES EDITOR;
     DEFINE USER runner ON DATABASE PASSWORD '${PASSWORDS.database}' ROLES EDITOR;`,
  );
  certs = await makeTestCerts();
  wsServer = new WebSocketServer({ host: '127.0.0.1', port: 0 });
  wsServer.on('connection', (_socket, request) => upgrades.push(String(request.headers['sec-websocket-protocol'])));
  await new Promise((resolve) => wsServer.once('listening', resolve));
  const { port } = wsServer.address() as AddressInfo;
  proxy = await startTlsProxy({ target: { host: '127.0.0.1', port }, certFile: certs.serverCertFile, keyFile: certs.serverKeyFile });
});

after(async () => {
  await db?.close();
  await proxy?.close();
  await new Promise((resolve) => wsServer?.close(resolve));
  await certs?.remove();
});

const config = (extra: Partial<SurrealConnectionConfig>): SurrealConnectionConfig => ({ url: 'mem://', namespace: 'shop', database: 'prod', ...extra });

void test('a user signs in at root, namespace and database level, each with the signin of its level', async () => {
  await signInSurreal(db, config({ authLevel: 'root', username: 'ops', password: PASSWORDS.root }));
  await signInSurreal(db, config({ authLevel: 'namespace', username: 'shop_admin', password: PASSWORDS.namespace }));
  await signInSurreal(db, config({ authLevel: 'database', username: 'runner', password: PASSWORDS.database }));
  const [rows] = await db.query<[{ id: unknown }[]]>('CREATE probe CONTENT { by: "runner" } RETURN id');
  assert.equal(rows.length, 1, 'the database user can write in its database');
});

void test('a refused signin is one line naming the level, user, namespace and database, never the password', async () => {
  await assert.rejects(signInSurreal(db, config({ authLevel: 'database', username: 'runner', password: 'wrong-password-1' })), (error: unknown) => {
    assert.ok(error instanceof CredentialsRefusedError, String(error));
    assert.match(error.message, /refused the signin of user runner as a user of database shop\/prod \(auth level database\): check SURREAL_USER and SURREAL_PASS/);
    assert.doesNotMatch(error.message, /wrong-password-1|\n/);
    return true;
  });
  // Defined on the database, signed in as root (the default level): the line says to change the level.
  await assert.rejects(signInSurreal(db, config({ username: 'runner', password: PASSWORDS.database, authLevel: 'root' })), (error: unknown) => {
    assert.ok(error instanceof CredentialsRefusedError);
    assert.match(error.message, /as a root \(system\) user \(auth level root\).*DEFINE USER \.\.\. ON ROOT.*set SURREAL_AUTH_LEVEL to root, namespace or database/);
    assert.ok(!error.message.includes(PASSWORDS.database));
    return true;
  });
});

void test('wss:// with a self-signed certificate: without its CA one line says to set SURREAL_CA_PATH or NODE_EXTRA_CA_CERTS; with SURREAL_CA_PATH the SDK WebSocket trusts it', async () => {
  const url = `wss://${proxy.address}`;
  await assert.rejects(openSurreal({ url, namespace: 'n', database: 'd' }, { timeoutMs: 3_000 }), (error: unknown) => {
    assert.ok(error instanceof TlsHandshakeError, String(error));
    assert.match(error.message, /not signed by a CA this system trusts .*: set SURREAL_CA_PATH \(or surreal.caFile\) .*or start the runner with NODE_EXTRA_CA_CERTS=<ca.pem>/);
    return true;
  });
  await assert.rejects(openSurreal({ url, namespace: 'n', database: 'd', caFile: certs.wrongCaFile }, { timeoutMs: 3_000 }), /not signed by SURREAL_CA_PATH/);

  // With the CA the WebSocket upgrade goes through (this server is no SurrealDB, so nothing answers after it).
  const before = upgrades.length;
  await assert.rejects(openSurreal({ url, namespace: 'n', database: 'd', caFile: certs.caFile }, { timeoutMs: 2_000 }), UnreachableError);
  assert.ok(upgrades.length > before, 'the SDK opened its WebSocket over TLS with the given CA');
  assert.equal(upgrades.at(-1), 'cbor');
});
