// The database refusing to record an attempt's outcome (here: the result field redefined to a
// type the answer does not fit): the step keeps retrying, the log says why, the backend is not
// called again, and once the field is fixed the job ends with the answer it got the first time.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { createLogger } from '../../src/adapters/logger.js';
import { startTestBackend } from '../helpers/backend.js';
import { insertJob, openTestDb, startRunner, startTemporal, testConfig, waitFor, waitForTerminal } from '../helpers/harness.js';

const cleanups: (() => Promise<unknown>)[] = [];
after(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup().catch(() => undefined);
});

void test('a refused outcome write is retried with the kept answer: logged with the reason, no second call, the job is not lost', async () => {
  const temporal = await startTemporal();
  cleanups.push(() => temporal.stop());
  const backend = await startTestBackend();
  cleanups.push(() => backend.close());
  const lines: { level: number; msg: string; reason?: string; jobId?: string }[] = [];
  const logger = createLogger({ level: 'info', destination: { write: (line: string) => void lines.push(JSON.parse(line)) } });
  const { db } = await openTestDb();
  const runner = await startRunner({ db, logger, config: testConfig(temporal, backend.url), deploySchema: true });
  cleanups.push(() => runner.stop());

  await db.query('DEFINE FIELD OVERWRITE result ON job TYPE option<int>');
  const jobId = await insertJob(db, { path: '/echo', payload: { hello: 'world' } });
  const refusals = () => lines.filter((l) => l.jobId === jobId && l.msg.startsWith('the database refused to record the outcome'));
  // Each try of the step retries its write for about 12 s: two lines mean Temporal ran the step again.
  await waitFor('the step to be refused twice', () => refusals().length >= 2, 60_000);
  assert.match(refusals()[0]!.reason ?? '', /result/i, 'the log line carries the database\'s reason');
  assert.equal(backend.requestsFor(jobId).length, 1, 'the retried step recorded the kept answer instead of calling again');
  assert.equal((await runner.jobs.get(jobId))!.status, 'processing', 'the job is still in progress, not lost or failed');

  await runner.jobs.deploySchema(); // the field as the runner needs it again
  const row = await waitForTerminal(runner, jobId, 60_000);
  assert.equal(row.status, 'success');
  assert.deepEqual(row.result, { ok: true, echo: { hello: 'world' } });
  assert.equal(backend.requestsFor(jobId).length, 1, 'called once in all');
});
