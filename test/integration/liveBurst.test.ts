// The bridge over ws:// (as in production, against a SurrealDB server): a burst of rows
// written in one statement must reach its live query in full. Reconciliation is off here, so
// a lost notification is a job that never starts.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { Surreal } from 'surrealdb';
import { startSurrealRelay, type SurrealRelay } from '../../chaos/surrealRelay.js';
import { openSurreal } from '../../src/adapters/db/connect.js';
import { deploySchema } from '../../src/adapters/db/deploySchema.js';
import type { Runner } from '../../src/app/runner/createRunner.js';
import type { DevServer } from '../../src/adapters/temporal/devServer.js';
import { startTestBackend, type TestBackend } from '../helpers/backend.js';
import { startRunner, startTemporal, testConfig, waitFor } from '../helpers/harness.js';

const BURST = 300;
let temporal: DevServer;
let backend: TestBackend;
let relay: SurrealRelay;
let remote: Surreal;
let runner: Runner;

before(async () => {
  [temporal, backend] = await Promise.all([startTemporal(), startTestBackend()]);
  relay = await startSurrealRelay({ url: 'mem://', namespace: 'test', database: 'burst' });
  await deploySchema(relay.db, ['job']);
  remote = await openSurreal({ url: relay.url, namespace: 'test', database: 'burst' });
  const config = testConfig(temporal, backend.url, { backendOverrides: { concurrency: 50 } });
  runner = await startRunner({ db: remote, config, bridge: { reconcileIntervalMs: 3_600_000 } });
});

after(async () => {
  await runner?.stop();
  await remote?.close();
  await relay?.close();
  await backend?.close();
  await temporal?.stop();
});

void test(`${BURST} rows created by one statement over ws:// all start from the live query, without waiting for reconciliation`, async () => {
  await relay.db.query(`FOR $i IN 1..=${BURST} { CREATE job CONTENT { path: '/echo', payload: '{}', max_retries: 0, retry_strategy: 'linear', status: 'pending' } }`);
  await waitFor(
    `${BURST} successful jobs`,
    async () => {
      const [rows] = await relay.db.query<[{ n: number }[]]>("SELECT count() AS n FROM job WHERE status = 'success' GROUP ALL");
      return (rows[0]?.n ?? 0) === BURST ? true : undefined;
    },
    90_000,
  );
  const [pending] = await relay.db.query<[unknown[]]>("SELECT id FROM job WHERE status != 'success'");
  assert.deepEqual(pending, []);
});
