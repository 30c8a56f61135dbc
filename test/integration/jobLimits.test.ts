// Rows that never end: every input either runs or ends `failed` with an `invalid` entry naming
// the limit, and the API refuses the same input with InvalidJobError. On both table shapes:
// ours (schema deploy) and the seed's table as Sp00ky's docs define it (no error entries
// stored there: the row still ends failed, and the reason reaches the runner's events).
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { after, before, test } from 'node:test';
import { RecordId, StringRecordId, type Surreal } from 'surrealdb';
import type { DevServer } from '../../src/adapters/temporal/devServer.js';
import type { Runner } from '../../src/app/runner/createRunner.js';
import type { JobEvent } from '../../src/core/jobEvents.js';
import { InvalidJobError } from '../../src/core/errors.js';
import { startTestBackend, type TestBackend } from '../helpers/backend.js';
import { insertJob, openTestDb, startRunner, startTemporal, testConfig, waitFor, waitForTerminal } from '../helpers/harness.js';

type ShapeName = 'ours' | 'seed';
interface Setup {
  db: Surreal;
  runner: Runner;
  /** Every `invalid` event the runner announced, by job id (the seed table cannot store the reason). */
  invalid: Map<string, string>;
}

const FIVE_MB = { blob: 'x'.repeat(5 * 1024 * 1024) };
const SEED_SCHEMA = fileURLToPath(new URL('../fixtures/seed-job-table.surql', import.meta.url));
// The seed's assigned_to is a required record<thread>.
const OWNER = 'thread:limits';

let temporal: DevServer;
let backend: TestBackend;
const setups = new Map<ShapeName, Setup>();
const cleanups: (() => Promise<unknown>)[] = [];

async function setUp(shape: ShapeName, overrides: Record<string, unknown> = {}): Promise<Setup> {
  const { db } = await openTestDb();
  if (shape === 'seed') await db.query(await readFile(SEED_SCHEMA, 'utf8'));
  const config = testConfig(temporal, backend.url, { backendOverrides: { timeoutSeconds: 15, timeoutOverridable: true, ...overrides } });
  const runner = await startRunner({ db, config, deploySchema: shape === 'ours' });
  const invalid = new Map<string, string>();
  runner.events.on('job', (event: JobEvent) => {
    if (event.status === 'invalid') invalid.set(event.jobId, event.error?.reason ?? '');
  });
  cleanups.push(async () => {
    await runner.stop();
    await db.close();
  });
  return { db, runner, invalid };
}

before(async () => {
  [temporal, backend] = await Promise.all([startTemporal(), startTestBackend()]);
  const [ours, seed] = await Promise.all([setUp('ours'), setUp('seed')]);
  setups.set('ours', ours).set('seed', seed);
});

after(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup().catch(() => undefined);
  await backend?.close();
  await temporal?.stop();
});

function isInvalid(field: string, reason: RegExp) {
  return (error: unknown) => {
    assert.ok(error instanceof InvalidJobError, `expected InvalidJobError, got ${String(error)}`);
    assert.equal(error.field, field);
    assert.match(error.reason, reason);
    return true;
  };
}

const REASONS = {
  payload: /payload is 5,242,891 bytes of JSON, over backend api's limit of 1,048,576: .*method\.limits\.payloadBytes/,
  delay: /delay is 9,000,000,000,000,000 ms, over backend api's limit of 31,536,000,000 ms \(365 days\): .*method\.limits\.delay/,
  timeout: /timeout is 1,000,000,000 s, over backend api's limit of 3,600 s: .*method\.limits\.timeout/,
  maxRetries: /max_retries must be a whole number ≥ 0/,
  key: /idempotency key must be printable ASCII without spaces \(0x21–0x7E\)/,
};

for (const shape of ['ours', 'seed'] as const) {
  void test(`${shape} table: the API, enqueueMany and the builder refuse each input over a limit with InvalidJobError naming the limit, and write nothing`, async () => {
    const { runner } = setups.get(shape)!;
    const jobs = runner.jobs;
    const before = (await jobs.list()).length;
    const opts = { assignedTo: OWNER };
    await Promise.all([
      assert.rejects(jobs.enqueue('api', '/echo', FIVE_MB, opts), isInvalid('payload', REASONS.payload)),
      assert.rejects(jobs.enqueue('api', '/echo', {}, { ...opts, delay: 9e15 }), isInvalid('delay', REASONS.delay)),
      assert.rejects(jobs.enqueue('api', '/echo', {}, { ...opts, timeout: 1e9 }), isInvalid('timeout', REASONS.timeout)),
      ...[-1, 1.5, Number.NaN].map((maxRetries) =>
        assert.rejects(jobs.enqueue('api', '/echo', {}, { ...opts, maxRetries }), isInvalid('max_retries', REASONS.maxRetries)),
      ),
      ...['clé-42', 'key\r\nX-Injected: 1', 'with space'].map((idempotencyKey) =>
        assert.rejects(jobs.enqueue('api', '/echo', {}, { ...opts, idempotencyKey }), isInvalid('idempotency_key', REASONS.key)),
      ),
      assert.rejects(
        jobs.enqueueMany([{ backend: 'api', path: '/echo', payload: {}, options: opts }, { backend: 'api', path: '/echo', payload: FIVE_MB, options: opts }]),
        (error: unknown) => isInvalid('payload', REASONS.payload)(error) && /item 1/.test((error as Error).message),
      ),
      // The builder: the backend's limits at .enqueue(), as the API; a malformed key where it is written.
      assert.rejects(jobs.background('api', '/echo', {}).assignedTo(OWNER).delay(9e15).enqueue(), isInvalid('delay', REASONS.delay)),
      assert.rejects(
        jobs.background('api', '/echo', {}).assignedTo(OWNER).at(new Date(Date.now() + 2 * 365 * 86_400_000)).enqueue(),
        isInvalid('delay', /over backend api's limit of 31,536,000,000 ms/),
      ),
      assert.rejects(jobs.background('api', '/echo', {}).assignedTo(OWNER).timeout('1000000000s').enqueue(), isInvalid('timeout', REASONS.timeout)),
    ]);
    assert.throws(() => jobs.background('api', '/echo', {}).idempotencyKey('clé'), (e: unknown) => e instanceof RangeError && REASONS.key.test(e.message));
    assert.equal((await jobs.list()).length, before, 'nothing was written');
  });

  void test(`${shape} table: raw rows over a limit end failed at once (invalid, naming the limit) and never reach the backend`, async () => {
    const { db, runner, invalid } = setups.get(shape)!;
    const insert = (fields: Omit<Parameters<typeof insertJob>[1], 'path'>) => insertJob(db, { path: '/echo', assigned_to: OWNER, ...fields });
    const cases: [string, RegExp][] = await Promise.all([
      insert({ payload: FIVE_MB }).then((id) => [id, REASONS.payload] as [string, RegExp]),
      insert({ delay: 9e15 }).then((id) => [id, REASONS.delay] as [string, RegExp]),
      insert({ timeout: 1e9 }).then((id) => [id, REASONS.timeout] as [string, RegExp]),
    ]);
    // max_retries −1: our schema refuses it (ASSERT $value >= 0); the seed's table takes it.
    if (shape === 'ours') {
      await assert.rejects(insert({ max_retries: -1 }), /max_retries/);
      cases.push([await rawInsert(db, { idempotency_key: 'clé\r\n' }), REASONS.key]);
    } else {
      cases.push([await insert({ max_retries: -1 }), REASONS.maxRetries]);
    }
    const rows = await Promise.all(cases.map(([id]) => waitForTerminal(runner, id, 20_000)));
    rows.forEach((row, i) => {
      const [id, reason] = cases[i]!;
      assert.equal(row.status, 'failed', id);
      if (shape === 'ours') {
        assert.deepEqual(row.errors.map((e) => e.code), ['invalid'], id);
        assert.match(row.errors[0]!.reason, reason);
      } else {
        assert.deepEqual(row.errors, [], 'the seed table stores no error entries');
      }
      assert.match(invalid.get(id) ?? '', reason, `the runner announced why ${id} cannot run`);
      assert.equal(backend.requestsFor(id).length, 0);
    });
  });

  void test(`${shape} table: a row whose id holds non-ASCII and CR/LF runs once, with X-Job-Id and Idempotency-Key percent-encoded`, async () => {
    const { db, runner } = setups.get(shape)!;
    const key = `clé-日本\r\n${shape}`;
    const jobId = await rawInsert(db, {}, key);
    const row = await waitForTerminal(runner, jobId, 20_000);
    assert.equal(row.status, 'success', JSON.stringify(row.errors));
    const requests = backend.requests.filter((r) => decodeURIComponent(r.jobId) === jobId);
    assert.equal(requests.length, 1);
    const header = requests[0]!.jobId;
    assert.match(header, /^[\x21-\x7E]+$/);
    assert.equal(requests[0]!.headers['idempotency-key'], header, 'the default key is the (encoded) workflow id');
  });
}

void test('a start Temporal refuses for the row itself (input over its 2 MB blob limit) ends the row invalid instead of pending forever', async () => {
  const { db, runner, invalid } = await setUp('ours', { limits: { payloadBytes: 8 * 1024 * 1024 } });
  const jobId = await insertJob(db, { path: '/echo', payload: { blob: 'x'.repeat(3 * 1024 * 1024) } });
  const row = await waitForTerminal(runner, jobId, 20_000);
  assert.equal(row.status, 'failed');
  assert.match(row.errors[0]?.reason ?? '', /Temporal refused to start the job's workflow \(INVALID_ARGUMENT: Blob data size exceeds limit/);
  assert.ok(invalid.has(jobId));
  assert.equal(backend.requestsFor(jobId).length, 0);
});

for (const shape of ['ours', 'seed'] as const) {
  void test(`${shape} table removed while a job waits: the step fails for good and the workflow ends failed, naming the table`, async () => {
    const { db, runner } = await setUp(shape);
    const jobId = await insertJob(db, { path: '/echo', delay: 1_500, assigned_to: OWNER });
    const handle = runner.client.workflow.getHandle(jobId);
    await waitFor('the workflow to start', async () => (await handle.describe()).status.name === 'RUNNING');
    await db.query('REMOVE TABLE job');
    await waitFor('the workflow to fail', async () => (await handle.describe()).status.name === 'FAILED', 30_000);
    await assert.rejects(handle.result(), (error: Error & { cause?: Error & { cause?: Error } }) => {
      assert.match(error.cause?.cause?.message ?? '', /job table job does not exist \(removed while the job ran\?\)/);
      return true;
    });
    assert.equal(backend.requestsFor(jobId).length, 0);
  });
}

/** CREATE with any record key and fields (insertJob's defaults: /echo, pending, assigned_to). */
async function rawInsert(db: Surreal, fields: Record<string, unknown>, key?: string): Promise<string> {
  const content = { path: '/echo', payload: '{}', max_retries: 0, status: 'pending', assigned_to: new StringRecordId(OWNER), ...fields };
  const target = key === undefined ? 'job' : new RecordId('job', key);
  const [rows] = await db.query<[{ id: unknown }[]]>(key === undefined ? 'CREATE job CONTENT $content RETURN id' : 'CREATE $id CONTENT $content RETURN id', {
    id: target,
    content,
  });
  return String(rows?.[0]?.id);
}
