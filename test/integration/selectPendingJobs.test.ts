// Catch-up paging against the real engine: with any page size, rows sharing a created_at and
// rows that are not pending, every pending row comes exactly once, oldest first.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { deploySchema } from '../../src/db/deploySchema.js';
import { selectPendingJobs, type PendingCursor } from '../../src/sql/selectPendingJobs.js';
import { openTestDb } from '../helpers/harness.js';

void test('catch-up paging visits every pending row once, in (created_at, id) order, ties and other statuses included', async () => {
  const { db } = await openTestDb();
  await deploySchema(db, ['job']);
  let round = 0;
  try {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.record({ second: fc.integer({ min: 0, max: 4 }), pending: fc.boolean() }), { maxLength: 25 }),
        fc.integer({ min: 1, max: 6 }),
        async (rows, pageSize) => {
          round++;
          await db.query('DELETE job');
          for (const [i, row] of rows.entries()) {
            await db.query('CREATE type::record("job", $key) CONTENT $c', {
              key: `r${round}x${i}`,
              c: { path: '/ok', payload: '{}', status: row.pending ? 'pending' : 'success', created_at: new Date(Date.UTC(2030, 0, 1, 0, 0, row.second)) },
            });
          }
          const [expected] = await db.query<[{ id: unknown }[]]>("SELECT id, created_at FROM job WHERE status = 'pending' ORDER BY created_at, id");
          const seen: string[] = [];
          let cursor: PendingCursor | undefined;
          for (let pages = 0; pages < 100; pages++) {
            const page = await selectPendingJobs(db, 'job', cursor, pageSize);
            seen.push(...page.map((r) => String(r.id)));
            if (page.length < pageSize) break;
            const last = page.at(-1)!;
            cursor = { createdAt: last.created_at, id: last.id };
          }
          assert.deepEqual(seen, expected.map((r) => String(r.id)));
        },
      ),
      { numRuns: 40 },
    );
  } finally {
    await db.close();
  }
});
