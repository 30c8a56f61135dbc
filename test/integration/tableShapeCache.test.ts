// The table-shape cache sees a schema deployed by another process: a cached shape is read again
// once it is older than its maximum age, without anyone calling forget().
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { test } from 'node:test';
import { deploySchema } from '../../src/adapters/db/deploySchema.js';
import { TableShapes } from '../../src/adapters/db/tableShape.js';
import { openTestDb, sleep } from '../helpers/harness.js';

const SEED_SCHEMA = fileURLToPath(new URL('../fixtures/seed-job-table.surql', import.meta.url));

void test('a schema deployed elsewhere is seen by a cached table shape once the shape is older than its maximum age', async () => {
  const { db } = await openTestDb();
  try {
    await db.query(await readFile(SEED_SCHEMA, 'utf8'));
    const shapes = new TableShapes(() => db, 300);
    assert.equal((await shapes.get('job')).has('run'), false);
    await deploySchema(db, ['job']); // as `schema deploy` from another process would: this cache is not told
    assert.equal((await shapes.get('job')).has('run'), false, 'read again before its maximum age');
    await sleep(400);
    const fresh = await shapes.get('job');
    assert.equal(fresh.has('run'), true);
    assert.equal(fresh.hasPendingIndex, true);
  } finally {
    await db.close();
  }
});
