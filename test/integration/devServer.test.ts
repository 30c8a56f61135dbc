// Runs the real `temporal server start-dev` (needs `npm run ensure-temporal`).
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { Connection } from '@temporalio/client';
import { freePort, startDevServer, type DevServer } from '../../src/adapters/temporal/devServer.js';

/** Asserts the namespace answers and JobStatus is a registered Keyword attribute. */
async function assertServes(server: DevServer): Promise<void> {
  const connection = await Connection.connect({ address: server.address });
  try {
    const ns = await connection.workflowService.describeNamespace({ namespace: server.namespace });
    assert.equal(ns.namespaceInfo?.name, 'default');
    const { customAttributes } = await connection.operatorService.listSearchAttributes({ namespace: 'default' });
    // 2 = INDEXED_VALUE_TYPE_KEYWORD (@temporalio/proto is not a direct dependency).
    assert.equal(customAttributes?.JobStatus, 2);
  } finally {
    await connection.close();
  }
}

void test('freePort returns a port that can be bound on 127.0.0.1', async () => {
  const port = await freePort();
  assert.ok(port > 0 && port < 65536);
});

void test('a dev server on a db file keeps its namespace and search attributes across a restart on the same port', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'devserver-test-'));
  const options = {
    dbFilename: join(dir, 'temporal.db'),
    ui: false,
    searchAttributes: { JobStatus: 'Keyword' } as const,
  };
  let server: DevServer | undefined;
  try {
    server = await startDevServer(options);
    assert.match(server.address, /^127\.0\.0\.1:\d+$/);
    assert.equal(server.uiUrl, undefined);
    await assertServes(server);
    const { port } = server;
    await server.stop();
    assert.notEqual(server.process.exitCode ?? server.process.signalCode, null, 'the process has exited');

    // Same port, same db file, same --search-attribute flags: must start again.
    server = await startDevServer({ ...options, port });
    assert.equal(server.port, port);
    await assertServes(server);
  } finally {
    await server?.stop();
    await rm(dir, { recursive: true, force: true });
  }
});

void test('a dev server with the web UI reports a UI URL that answers HTTP', async () => {
  const server = await startDevServer();
  try {
    assert.ok(server.uiUrl);
    const res = await fetch(server.uiUrl);
    assert.ok(res.status < 500, `UI answered ${res.status}`);
  } finally {
    await server.stop();
  }
});
