// Catch-up paging against the real engine, on every table shape an app may have: ours (with
// the (status, created_at) index), Sp00ky's as its docs define it (no index, SCHEMAFULL,
// created_at recomputed on every write) and a schemaless table. With any page size, rows
// sharing a created_at, record ids in any order and rows that are not pending, every pending
// row comes exactly once, oldest first.
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { StringRecordId, type Surreal } from 'surrealdb';
import { deploySchema } from '../../src/adapters/db/deploySchema.js';
import { readTableShape } from '../../src/adapters/db/tableShape.js';
import { selectPendingJobs, type PendingCursor } from '../../src/adapters/sql/selectPendingJobs.js';
import { openTestDb } from '../helpers/harness.js';

const SEED_SCHEMA = fileURLToPath(new URL('../fixtures/seed-job-table.surql', import.meta.url));

const SHAPES: Record<string, { define: (db: Surreal) => Promise<unknown>; indexed: boolean }> = {
  'our deployed schema': { define: (db) => deploySchema(db, ['job']), indexed: true },
  "Sp00ky's documented table": { define: async (db) => db.query(await readFile(SEED_SCHEMA, 'utf8')), indexed: false },
  'a schemaless table': { define: (db) => db.query('DEFINE TABLE job SCHEMALESS'), indexed: false },
};

async function pageThrough(db: Surreal, pageSize: number): Promise<string[]> {
  const shape = await readTableShape(db, 'job');
  const seen: string[] = [];
  let cursor: PendingCursor | undefined;
  for (let pages = 0; pages < 1_000; pages++) {
    const page = await selectPendingJobs(db, shape, cursor, pageSize);
    seen.push(...page.map((r) => String(r.id)));
    if (page.length < pageSize) return seen;
    const last = page.at(-1)!;
    cursor = { createdAt: last.created_at, id: last.id };
  }
  throw new Error('paging did not end after 1,000 pages');
}

async function pendingInOrder(db: Surreal): Promise<string[]> {
  const [expected] = await db.query<[{ id: unknown }[]]>("SELECT id, created_at FROM job WHERE status = 'pending' ORDER BY created_at, id");
  return expected.map((r) => String(r.id));
}

for (const [name, shape] of Object.entries(SHAPES)) {
  void test(`catch-up paging on ${name} visits every pending row once, in (created_at, id) order, ties and other statuses included`, async () => {
    const { db } = await openTestDb();
    await shape.define(db);
    assert.equal((await readTableShape(db, 'job')).hasPendingIndex, shape.indexed);
    let round = 0;
    try {
      await fc.assert(
        fc.asyncProperty(
          // Keys in random order, so record id order is not creation order.
          fc.uniqueArray(fc.record({ key: fc.integer({ min: 0, max: 9_999 }), second: fc.integer({ min: 0, max: 4 }), pending: fc.boolean() }), {
            selector: (row) => row.key,
            maxLength: 25,
          }),
          fc.integer({ min: 1, max: 6 }),
          async (rows, pageSize) => {
            round++;
            await db.query('DELETE job');
            for (const row of rows) {
              // The seed's created_at is VALUE time::now(): there the given time is replaced.
              await db.query('CREATE type::record("job", $key) CONTENT $c', {
                key: `r${round}k${row.key}`,
                c: {
                  path: '/ok',
                  payload: '{}',
                  assigned_to: new StringRecordId('thread:t'),
                  status: row.pending ? 'pending' : 'success',
                  created_at: new Date(Date.UTC(2030, 0, 1, 0, 0, row.second)),
                },
              });
            }
            assert.deepEqual(await pageThrough(db, pageSize), await pendingInOrder(db));
          },
        ),
        { numRuns: 30 },
      );
    } finally {
      await db.close();
    }
  });
}

void test("a catch-up over 250 pending rows of Sp00ky's documented table, written in one statement, sees all 250", async () => {
  const { db } = await openTestDb();
  try {
    await SHAPES["Sp00ky's documented table"]!.define(db);
    await db.query("FOR $i IN 0..250 { CREATE job CONTENT { path: '/ok', payload: '{}', assigned_to: thread:t, status: 'pending' } }");
    const seen = await pageThrough(db, 100);
    assert.equal(seen.length, 250);
    assert.equal(new Set(seen).size, 250);
  } finally {
    await db.close();
  }
});
