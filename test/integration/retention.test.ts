// Retention (`jobs clear --older-than`, pruneJobs) on the real embedded SurrealDB engine:
// which rows go (terminal and older than the cutoff, by updated_at or else created_at), which
// always stay (pending, processing, recent, no finish time), that a dry run deletes nothing and
// names exactly what a real run then deletes, and that deletion runs in batches.
import assert from 'node:assert/strict';
import { after, before, beforeEach, test } from 'node:test';
import { Client, Connection } from '@temporalio/client';
import type { Surreal } from 'surrealdb';
import { configFromObject } from '../../src/config/loadConfig.js';
import { deploySchema } from '../../src/adapters/db/deploySchema.js';
import { escapeIdent, TableShapes } from '../../src/adapters/db/tableShape.js';
import { JobsClient } from '../../src/app/jobs/jobsClient.js';
import { ClearOptionsError, DEFAULT_PRUNE_BATCH_SIZE, pruneJobs, pruneJobsInSteps } from '../../src/adapters/sql/pruneJobs.js';
import { BackendRegistry } from '../../src/config/backendRegistry.js';
import { openTestDb, TEST_SPEC } from '../helpers/harness.js';

const NOW = new Date('2030-06-15T12:00:00.000Z');
const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const ago = (ms: number) => new Date(NOW.getTime() - ms);

let db: Surreal;
let shapes: TableShapes;
let jobs: JobsClient;
let connection: Connection;

before(async () => {
  ({ db } = await openTestDb());
  await deploySchema(db, ['job', 'mail_job']);
  shapes = new TableShapes(() => db);
  const config = configFromObject({
    backends: [
      { name: 'api', table: 'job', baseUrl: 'http://127.0.0.1:1', specPath: TEST_SPEC },
      { name: 'mail', table: 'mail_job', baseUrl: 'http://127.0.0.1:1', specPath: TEST_SPEC },
    ],
  });
  // Never connected: clearing by age needs no Temporal.
  connection = Connection.lazy({ address: '127.0.0.1:1' });
  jobs = new JobsClient({
    db: () => db,
    client: new Client({ connection }),
    registry: await BackendRegistry.load(config),
    shapes,
  });
});

after(async () => {
  await connection?.close().catch(() => undefined);
  await db?.close();
});

beforeEach(async () => {
  await db.query('DELETE job; DELETE mail_job;');
});

interface Row {
  status: 'pending' | 'processing' | 'success' | 'failed';
  /** updated_at; created_at is earlier still unless given. */
  finishedAt?: Date;
  createdAt?: Date;
}

/** Writes rows with their timestamps set in the past directly; returns their ids in order. */
async function insertRows(table: string, rows: readonly Row[]): Promise<string[]> {
  const content = rows.map((row) => ({
    path: '/echo',
    payload: '{}',
    status: row.status,
    ...(row.finishedAt ? { updated_at: row.finishedAt } : {}),
    ...(row.createdAt || row.finishedAt ? { created_at: row.createdAt ?? new Date(row.finishedAt!.getTime() - 60_000) } : {}),
  }));
  const [ids] = await db.query<[{ id: unknown }[]]>(`INSERT INTO ${escapeIdent(table)} $content RETURN id`, { content });
  return (ids ?? []).map((row) => String(row.id));
}

async function idsIn(table: string): Promise<string[]> {
  const [ids] = await db.query<[unknown[]]>(`SELECT VALUE id FROM ${escapeIdent(table)}`);
  return (ids ?? []).map(String).sort();
}

void test('an age limit deletes the finished jobs older than it and keeps the finished jobs more recent than it', async () => {
  const [, , recentSuccess, recentFailed] = await insertRows('job', [
    { status: 'success', finishedAt: ago(8 * DAY) },
    { status: 'failed', finishedAt: ago(7 * DAY + 1) },
    { status: 'success', finishedAt: ago(7 * DAY - 1_000) },
    // created long ago, finished recently: age counts from the finish, not the enqueue
    { status: 'failed', finishedAt: ago(HOUR), createdAt: ago(30 * DAY) },
  ]);
  const result = await pruneJobs(db, shapes, ['job'], { olderThanMs: 7 * DAY, now: NOW });
  assert.deepEqual(result, { dryRun: false, cutoff: ago(7 * DAY).toISOString(), counts: { job: 2 }, jobs: [] });
  assert.deepEqual(await idsIn('job'), [recentSuccess, recentFailed].sort());
});

void test('pending and processing jobs stay whatever their age', async () => {
  const kept = await insertRows('job', [
    { status: 'pending', finishedAt: ago(400 * DAY) },
    { status: 'processing', finishedAt: ago(400 * DAY) },
    { status: 'pending', finishedAt: ago(2 * DAY) },
  ]);
  await insertRows('job', [{ status: 'success', finishedAt: ago(400 * DAY) }]);
  const result = await pruneJobs(db, shapes, ['job'], { olderThanMs: 0, now: NOW });
  assert.deepEqual(result.counts, { job: 1 });
  assert.deepEqual(await idsIn('job'), [...kept].sort());
  const dry = await pruneJobs(db, shapes, ['job'], { dryRun: true });
  assert.deepEqual(dry.counts, { job: 0 }, 'without an age limit too, only terminal jobs are taken');
});

void test('a dry run deletes nothing and names exactly the jobs a real run with the same cutoff then deletes', async () => {
  await insertRows('job', [
    ...Array.from({ length: 30 }, (_, i): Row => ({ status: i % 3 ? 'success' : 'failed', finishedAt: ago(2 * DAY + i * 60_000) })),
    ...Array.from({ length: 5 }, (_, i): Row => ({ status: 'success', finishedAt: ago(i * 60_000) })),
    { status: 'pending', finishedAt: ago(9 * DAY) },
  ]);
  await insertRows('mail_job', [
    { status: 'failed', finishedAt: ago(3 * DAY) },
    { status: 'success', finishedAt: ago(HOUR) },
  ]);
  const before = { job: await idsIn('job'), mail_job: await idsIn('mail_job') };

  const dry = await pruneJobs(db, shapes, ['job', 'mail_job'], { olderThanMs: DAY, dryRun: true, now: NOW, sampleLimit: 1_000 });
  assert.deepEqual(dry.counts, { job: 30, mail_job: 1 });
  assert.equal(dry.dryRun, true);
  assert.deepEqual({ job: await idsIn('job'), mail_job: await idsIn('mail_job') }, before, 'nothing deleted');

  const real = await pruneJobs(db, shapes, ['job', 'mail_job'], { olderThanMs: DAY, now: NOW });
  assert.deepEqual(real.counts, dry.counts);
  const after = { job: await idsIn('job'), mail_job: await idsIn('mail_job') };
  const deleted = [...before.job.filter((id) => !after.job.includes(id)), ...before.mail_job.filter((id) => !after.mail_job.includes(id))];
  assert.deepEqual(dry.jobs.map((job) => job.id).sort(), deleted.sort(), 'the dry run listed exactly the deleted rows');
});

void test('a dry run lists the first rows per table oldest first, with id, table, status and finish time, capped by sampleLimit', async () => {
  const [, oldest, middle] = await insertRows('job', [
    { status: 'success', finishedAt: ago(2 * DAY) },
    { status: 'failed', finishedAt: ago(4 * DAY) },
    { status: 'success', finishedAt: ago(3 * DAY) },
  ]);
  const [mail] = await insertRows('mail_job', [{ status: 'failed', finishedAt: ago(5 * DAY) }]);
  const dry = await pruneJobs(db, shapes, ['job', 'mail_job'], { olderThanMs: DAY, dryRun: true, now: NOW, sampleLimit: 2 });
  assert.deepEqual(dry.counts, { job: 3, mail_job: 1 }, 'counts are not capped');
  assert.deepEqual(dry.jobs, [
    { id: oldest, table: 'job', status: 'failed', finishedAt: ago(4 * DAY).toISOString() },
    { id: middle, table: 'job', status: 'success', finishedAt: ago(3 * DAY).toISOString() },
    { id: mail, table: 'mail_job', status: 'failed', finishedAt: ago(5 * DAY).toISOString() },
  ]);
  const countsOnly = await pruneJobs(db, shapes, ['job'], { olderThanMs: DAY, dryRun: true, now: NOW, sampleLimit: 0 });
  assert.deepEqual(countsOnly.jobs, []);
});

void test('more old rows than one batch are deleted in several short batches, all of them, and the recent rows stay', async () => {
  const total = DEFAULT_PRUNE_BATCH_SIZE * 2 + 137;
  await insertRows('job', Array.from({ length: total }, (_, i): Row => ({ status: i % 2 ? 'success' : 'failed', finishedAt: ago(10 * DAY + i) })));
  const recent = await insertRows('job', [{ status: 'success', finishedAt: ago(HOUR) }, { status: 'pending', finishedAt: ago(20 * DAY) }]);
  const batches: number[] = [];
  const result = await pruneJobs(db, shapes, ['job'], {
    olderThanMs: DAY,
    now: NOW,
    onBatch: ({ table, deleted, totalDeleted }) => {
      assert.equal(table, 'job');
      batches.push(deleted);
      assert.equal(totalDeleted, batches.reduce((a, b) => a + b, 0));
    },
  });
  assert.deepEqual(batches, [DEFAULT_PRUNE_BATCH_SIZE, DEFAULT_PRUNE_BATCH_SIZE, 137]);
  assert.deepEqual(result.counts, { job: total });
  assert.deepEqual(await idsIn('job'), [...recent].sort());

  // An exact multiple of the batch size ends on an empty batch, not a short one.
  await insertRows('job', Array.from({ length: 6 }, (): Row => ({ status: 'success', finishedAt: ago(10 * DAY) })));
  const exact: number[] = [];
  const again = await pruneJobs(db, shapes, ['job'], { olderThanMs: DAY, now: NOW, batchSize: 3, onBatch: ({ deleted }) => exact.push(deleted) });
  assert.deepEqual(exact, [3, 3]);
  assert.deepEqual(again.counts, { job: 6 });
});

void test('retention in short steps (as its workflow runs it) stops after maxBatches, says so, and the steps together delete every old row', async () => {
  await insertRows('job', Array.from({ length: 7 }, (): Row => ({ status: 'failed', finishedAt: ago(10 * DAY) })));
  const recent = await insertRows('job', [{ status: 'success', finishedAt: ago(HOUR) }]);
  const steps: { deleted: number; complete: boolean }[] = [];
  for (let i = 0; i < 10; i++) {
    const { result, complete } = await pruneJobsInSteps(db, shapes, ['job'], { olderThanMs: DAY, now: NOW, batchSize: 2, maxBatches: 2 });
    steps.push({ deleted: result.counts['job'] ?? 0, complete });
    if (complete) break;
  }
  assert.deepEqual(steps, [
    { deleted: 4, complete: false },
    { deleted: 3, complete: true },
  ]);
  assert.deepEqual(await idsIn('job'), [...recent].sort());
});

void test('on a table without updated_at, a job is as old as its created_at', async () => {
  await db.query(`
    DEFINE TABLE bare_job SCHEMAFULL;
    DEFINE FIELD path ON bare_job TYPE string;
    DEFINE FIELD payload ON bare_job TYPE any;
    DEFINE FIELD status ON bare_job TYPE string;
    DEFINE FIELD created_at ON bare_job TYPE datetime DEFAULT time::now();
  `);
  const [, recent] = await db.query<[unknown, { id: unknown }[]]>(
    `INSERT INTO bare_job [{ path: '/echo', payload: '{}', status: 'success', created_at: $old }];
     INSERT INTO bare_job [{ path: '/echo', payload: '{}', status: 'success', created_at: $recent }];`,
    { old: ago(3 * DAY), recent: ago(HOUR) },
  );
  const fresh = new TableShapes(() => db);
  assert.equal((await fresh.get('bare_job')).has('updated_at'), false);
  const dry = await pruneJobs(db, fresh, ['bare_job'], { olderThanMs: DAY, dryRun: true, now: NOW });
  assert.deepEqual(dry.counts, { bare_job: 1 });
  assert.equal(dry.jobs[0]?.finishedAt, ago(3 * DAY).toISOString());
  const real = await pruneJobs(db, fresh, ['bare_job'], { olderThanMs: DAY, now: NOW });
  assert.deepEqual(real.counts, { bare_job: 1 });
  assert.deepEqual(await idsIn('bare_job'), [String(recent?.[0]?.id)]);
});

void test('a finished row with no finish time at all is never taken as old, but an unlimited clear still takes it', async () => {
  await db.query(`DEFINE TABLE loose_job SCHEMALESS;`);
  await db.query(`CREATE loose_job CONTENT { path: '/echo', payload: '{}', status: 'success' }`);
  assert.deepEqual((await pruneJobs(db, shapes, ['loose_job'], { olderThanMs: 0, now: NOW })).counts, { loose_job: 0 });
  assert.equal((await idsIn('loose_job')).length, 1);
  assert.deepEqual((await pruneJobs(db, shapes, ['loose_job'], {})).counts, { loose_job: 1 });
});

void test('JobsClient.clear with olderThanMs deletes old finished jobs of every table and returns the count per table; with dryRun it deletes nothing', async () => {
  await insertRows('job', [{ status: 'success', finishedAt: new Date(Date.now() - 2 * DAY) }, { status: 'success', finishedAt: new Date() }]);
  await insertRows('mail_job', [{ status: 'failed', finishedAt: new Date(Date.now() - 3 * DAY) }, { status: 'pending', finishedAt: new Date(Date.now() - 3 * DAY) }]);
  assert.deepEqual(await jobs.clear({ olderThanMs: DAY, dryRun: true }), { job: 1, mail_job: 1 });
  assert.equal((await idsIn('job')).length + (await idsIn('mail_job')).length, 4);
  assert.deepEqual(await jobs.clear({ dryRun: true }), { job: 2, mail_job: 1 }, 'a dry run without an age limit counts what plain clear deletes');
  assert.deepEqual(await jobs.clear({ olderThanMs: DAY }), { job: 1, mail_job: 1 });
  assert.equal((await idsIn('job')).length + (await idsIn('mail_job')).length, 2);

  const preview = await jobs.prune({ dryRun: true });
  assert.deepEqual(preview.counts, { job: 1, mail_job: 0 });
  assert.equal(preview.jobs.length, 1);
});

void test('clear refuses all with olderThanMs, and all with dryRun, with a ClearOptionsError that says how to fix it, and deletes nothing', async () => {
  await insertRows('job', [{ status: 'success', finishedAt: new Date(Date.now() - 2 * DAY) }, { status: 'pending' }]);
  await assert.rejects(jobs.clear({ all: true, olderThanMs: DAY }), (error: unknown) => {
    assert.ok(error instanceof ClearOptionsError);
    assert.match(error.message, /`all` cannot be combined with `olderThanMs`.*Drop `all`.*or drop `olderThanMs`/);
    return true;
  });
  await assert.rejects(jobs.clear({ all: true, dryRun: true }), (error: unknown) => {
    assert.ok(error instanceof ClearOptionsError);
    assert.match(error.message, /`dryRun` does not support `all`/);
    return true;
  });
  await assert.rejects(pruneJobs(db, shapes, ['job'], { olderThanMs: -1 }), ClearOptionsError);
  assert.equal((await idsIn('job')).length, 2);
});
