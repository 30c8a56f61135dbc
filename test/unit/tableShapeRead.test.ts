// readTableShape's guard against an incomplete read: a SCHEMAFULL table whose field list lacks
// `path` or `status` is not a job table's real shape, so the read fails (and is retried) instead
// of yielding a shape without fields. A fake database answers the two INFO statements.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Surreal } from 'surrealdb';
import { readTableShape } from '../../src/adapters/db/tableShape.js';

function fakeDb(fields: Record<string, string>): Surreal {
  const answers = [[{ tables: { job: 'DEFINE TABLE job TYPE NORMAL SCHEMAFULL PERMISSIONS NONE' } }], [{ fields, indexes: {} }]];
  let call = 0;
  return { query: async () => answers[call++] } as unknown as Surreal;
}

void test('a schemafull table read without its path and status fields fails instead of giving a shape without fields', async () => {
  await assert.rejects(readTableShape(fakeDb({}), 'job'), /returned no path or status field \(fields: none\); retrying/);
  await assert.rejects(readTableShape(fakeDb({ path: 'DEFINE FIELD path ON job TYPE string' }), 'job'), /no path or status field/);
});

void test('a schemafull table with path and status gives its shape: the fields it has, and only those', async () => {
  const shape = await readTableShape(
    fakeDb({ path: 'DEFINE FIELD path ON job TYPE string', status: 'DEFINE FIELD status ON job TYPE string', schedule: 'DEFINE FIELD schedule ON job TYPE option<string>' }),
    'job',
  );
  assert.equal(shape.schemafull, true);
  assert.equal(shape.has('schedule'), true);
  assert.equal(shape.has('run'), false);
});
