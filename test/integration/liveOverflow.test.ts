// A burst of rows larger than the live notifications the bridge may hold: the rows past the
// bound are left in their table and started by catch-up passes. Reconciliation is off here, so
// a row the overflow lost would be a job that never starts.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { pino } from 'pino';
import type { Surreal } from 'surrealdb';
import type { DevServer } from '../../src/adapters/temporal/devServer.js';
import type { Runner } from '../../src/app/runner/createRunner.js';
import { startTestBackend, type TestBackend } from '../helpers/backend.js';
import { openTestDb, startRunner, startTemporal, testConfig, waitFor } from '../helpers/harness.js';

const BURST = 300;
const MAX_QUEUED = 10;
let temporal: DevServer;
let backend: TestBackend;
let db: Surreal;
let runner: Runner;
const logLines: { msg: string; level: number }[] = [];

before(async () => {
  [temporal, backend] = await Promise.all([startTemporal(), startTestBackend()]);
  ({ db } = await openTestDb());
  const logger = pino({ level: 'info' }, { write: (line: string) => void logLines.push(JSON.parse(line) as { msg: string; level: number }) });
  const config = testConfig(temporal, backend.url, { backendOverrides: { concurrency: 50 } });
  runner = await startRunner({ db, config, deploySchema: true, logger, bridge: { reconcileIntervalMs: 3_600_000, maxQueuedLiveRows: MAX_QUEUED } });
});

after(async () => {
  await runner?.stop();
  await db?.close();
  await backend?.close();
  await temporal?.stop();
});

void test(`${BURST} rows at once with room for ${MAX_QUEUED} waiting notifications: the rest are started by catch-up, every job succeeds once`, async () => {
  await db.query(`FOR $i IN 1..=${BURST} { CREATE job CONTENT { path: '/echo', payload: '{}', max_retries: 0, retry_strategy: 'linear', status: 'pending' } }`);
  await waitFor(
    `${BURST} successful jobs`,
    async () => {
      const [rows] = await db.query<[{ n: number }[]]>("SELECT count() AS n FROM job WHERE status = 'success' GROUP ALL");
      return (rows[0]?.n ?? 0) === BURST ? true : undefined;
    },
    90_000,
  );
  assert.ok(
    logLines.some((l) => l.msg.startsWith('job rows arrive faster than their workflows start')),
    'the burst overflowed the live notifications the bridge holds (otherwise this test proves nothing)',
  );
  const perJob = new Map<string, number>();
  for (const r of backend.requests) perJob.set(r.jobId, (perJob.get(r.jobId) ?? 0) + 1);
  assert.equal(perJob.size, BURST);
  assert.deepEqual([...new Set(perJob.values())], [1], 'each job called once');
});
