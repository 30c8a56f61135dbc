import { test } from 'node:test';
import assert from 'node:assert/strict';
import { JobNotFoundError } from '../../src/core/errors.js';
import { AmbiguousJobIdError, UsageError } from '../../src/app/cli/cliErrors.js';
import { parseJobRef, pickJobMatch, resolveJobRef, type JobCandidate } from '../../src/app/cli/resolveJobRef.js';

const TABLES = ['job', 'mail_job'];
const ROWS: JobCandidate[] = [
  { id: 'job:abc123', table: 'job', key: 'abc123' },
  { id: 'job:abd999', table: 'job', key: 'abd999' },
  { id: 'job:zz', table: 'job', key: 'zz' },
  { id: 'job:zz9', table: 'job', key: 'zz9' },
  { id: 'mail_job:abx000', table: 'mail_job', key: 'abx000' },
  { id: 'mail_job:qq1', table: 'mail_job', key: 'qq1' },
];

/** A fake of findJobsByPrefix over ROWS, recording what was asked. */
function lookup(rows: JobCandidate[] = ROWS) {
  const calls: string[] = [];
  const find = (table: string, prefix: string, limit: number) => {
    calls.push(`${table}:${prefix}`);
    return Promise.resolve(rows.filter((r) => r.table === table && r.key.startsWith(prefix)).slice(0, limit));
  };
  return { find, calls };
}

void test('a ref is table:key for a configured table, else a bare key or prefix', () => {
  assert.deepEqual(parseJobRef('job:abc', TABLES), { raw: 'job:abc', table: 'job', key: 'abc' });
  assert.deepEqual(parseJobRef(' abc ', TABLES), { raw: 'abc', key: 'abc' });
  assert.deepEqual(parseJobRef('job:⟨a-b⟩', TABLES), { raw: 'job:⟨a-b⟩', table: 'job', key: 'a-b' });
  assert.throws(() => parseJobRef('other:abc', TABLES), JobNotFoundError);
  assert.throws(() => parseJobRef('  ', TABLES), UsageError);
});

void test('a full id, a bare key and a unique prefix all resolve to the one job', async () => {
  const { find } = lookup();
  assert.equal(await resolveJobRef('job:abc123', TABLES, find), 'job:abc123');
  assert.equal(await resolveJobRef('abc123', TABLES, find), 'job:abc123');
  assert.equal(await resolveJobRef('abc', TABLES, find), 'job:abc123');
  assert.equal(await resolveJobRef('job:abd', TABLES, find), 'job:abd999');
  assert.equal(await resolveJobRef('qq', TABLES, find), 'mail_job:qq1');
});

void test('an exact key wins over longer keys it is a prefix of', async () => {
  const { find } = lookup();
  assert.equal(await resolveJobRef('zz', TABLES, find), 'job:zz');
  assert.equal(await resolveJobRef('zz9', TABLES, find), 'job:zz9');
});

void test('a prefix matching several jobs is ambiguous and lists them (across tables too)', async () => {
  const { find } = lookup();
  await assert.rejects(resolveJobRef('ab', TABLES, find), (error: unknown) => {
    assert.ok(error instanceof AmbiguousJobIdError);
    assert.deepEqual(error.matches, ['job:abc123', 'job:abd999', 'mail_job:abx000']);
    assert.equal(error.more, false);
    assert.match(error.message, /"ab" is ambiguous: it matches 3 jobs; give more characters/);
    return true;
  });
  // Naming the table narrows the search to it.
  await assert.rejects(resolveJobRef('job:ab', TABLES, find), (error: unknown) => {
    assert.deepEqual((error as AmbiguousJobIdError).matches, ['job:abc123', 'job:abd999']);
    return true;
  });
});

void test('an ambiguous prefix lists at most 6 matches and says there are more', async () => {
  const many = Array.from({ length: 20 }, (_, i): JobCandidate => ({ id: `job:k${i}`, table: 'job', key: `k${i}` }));
  const { find } = lookup(many);
  await assert.rejects(resolveJobRef('k', TABLES, find), (error: unknown) => {
    assert.ok(error instanceof AmbiguousJobIdError);
    assert.equal(error.matches.length, 6);
    assert.equal(error.more, true);
    assert.match(error.message, /matches more than 6 jobs/);
    return true;
  });
  const match = pickJobMatch({ raw: 'k', key: 'k' }, many);
  assert.equal(match.kind, 'ambiguous');
});

void test('no match is a JobNotFoundError naming the ref', async () => {
  const { find, calls } = lookup();
  await assert.rejects(resolveJobRef('nothing', TABLES, find), (error: unknown) => {
    assert.ok(error instanceof JobNotFoundError);
    assert.match(error.message, /^no job nothing/);
    return true;
  });
  assert.deepEqual(calls, ['job:nothing', 'mail_job:nothing'], 'searches every configured table');
});
