import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { configFromObject, loadConfig } from '../../src/config/loadConfig.js';
import { ConfigError } from '../../src/core/errors.js';
import { scheduledJobKey } from '../../src/core/scheduledJobId.js';

const backends = [{ name: 'api', baseUrl: 'http://localhost:3660', allowAnyPath: true }];

function refused(schedule: Record<string, unknown>, key: string, expected: RegExp) {
  assert.throws(
    () => configFromObject({ backends, schedules: [{ name: 'nightly', path: '/reports', ...schedule }] }),
    (error: unknown) => {
      assert.ok(error instanceof ConfigError, `expected ConfigError, got ${String(error)}`);
      assert.equal(error.key, key);
      assert.match(error.expected, expected);
      return true;
    },
  );
}

void test('a schedule from sp00ky.yml gets the documented defaults: UTC, overlap skip, 1 h catch-up, 3 retries, not paused', async () => {
  const dir = await mkdtemp(path.join(tmpdir(), 'spky-schedules-'));
  const file = path.join(dir, 'sp00ky.yml');
  await writeFile(
    file,
    'apps:\n  api:\n    type: backend\n    baseUrl: http://localhost:3660\n    method: { allowAnyPath: true }\nschedules:\n  - name: nightly-report\n    cron: "0 3 * * *"\n    path: /reports/nightly\n    payload: { kind: daily }\nretention:\n  olderThan: 7d\n',
  );
  const config = await loadConfig({ configPath: file, env: {} });
  assert.deepEqual(config.schedules, [
    {
      name: 'nightly-report',
      cron: '0 3 * * *',
      timezone: 'UTC',
      backend: 'api',
      table: 'job',
      path: '/reports/nightly',
      payload: { kind: 'daily' },
      overlap: 'skip',
      catchupWindowMs: 3_600_000,
      paused: false,
      maxRetries: 3,
      retryStrategy: 'linear',
    },
  ]);
  assert.deepEqual(config.retention, { olderThanMs: 7 * 86_400_000, everyMs: 3_600_000 });
});

void test('a bad cron expression is refused naming the schedule and the field, saying what is accepted', () => {
  refused({ cron: '61 3 * * *' }, 'schedules[0] (nightly).cron', /invalid cron expression "61 3 \* \* \*".*e\.g\./);
  refused({ cron: '0 3 * *' }, 'schedules[0] (nightly).cron', /expected 5 fields/);
  refused({}, 'schedules[0] (nightly).cron', /exactly one of cron .* or every/);
  refused({ cron: '0 3 * * *', every: '1h' }, 'schedules[0] (nightly).cron', /exactly one of/);
});

void test('an unknown time zone, or an offset instead of an IANA name, is refused naming the schedule and the field', () => {
  refused({ cron: '0 3 * * *', timezone: 'Mars/Olympus' }, 'schedules[0] (nightly).timezone', /unknown time zone "Mars\/Olympus".*IANA/);
  refused({ cron: '0 3 * * *', timezone: '+01:00' }, 'schedules[0] (nightly).timezone', /IANA/);
});

void test('other bad schedule fields are refused naming the schedule and the field: overlap, every, backend, name', () => {
  refused({ every: '1h', overlap: 'sometimes' }, 'schedules[0] (nightly).overlap', /one of skip, buffer_one/);
  refused({ every: 'soon' }, 'schedules[0] (nightly).every', /duration/);
  refused({ every: '1h', backend: 'mail' }, 'schedules[0] (nightly).backend', /unknown backend "mail": expected one of api/);
  assert.throws(() => configFromObject({ backends, schedules: [{ name: 'retention', every: '1h', path: '/x' }] }), /reserved for the retention schedule/);
  assert.throws(
    () => configFromObject({ backends, schedules: [{ name: 'a-b', every: '1h', path: '/x' }, { name: 'a_b', every: '1h', path: '/x' }] }),
    /used twice/,
  );
});

void test("a schedule's priority takes the builder's names or a level 1-5, its fairness key 1-255 characters, and anything else is refused naming the field", () => {
  const priorities = configFromObject({
    backends,
    schedules: [
      { name: 'a', every: '1h', path: '/x', priority: 'high' },
      { name: 'b', every: '1h', path: '/x', priority: 5 },
      { name: 'c', every: '1h', path: '/x' },
    ],
  }).schedules?.map((s) => s.priority);
  assert.deepEqual(priorities, [2, 5, undefined]);
  refused({ every: '1h', priority: 'urgent' }, 'schedules[0] (nightly).priority', /critical, high, normal, low, or a number from 1.*got "urgent"/);
  assert.equal(configFromObject({ backends, schedules: [{ name: 'a', every: '1h', path: '/x', fairnessKey: 'acme' }] }).schedules?.[0]?.fairnessKey, 'acme');
  refused({ every: '1h', fairnessKey: 'x'.repeat(256) }, 'schedules[0] (nightly).fairnessKey', /1–255 characters/);
  refused({ every: '1h', priority: 0 }, 'schedules[0] (nightly).priority', /from 1 \(first\) to 5/);
});

void test("a scheduled job's row key is derived from the schedule and the slot, so a repeat of the slot names the same row", () => {
  const slot = Date.UTC(2026, 10, 25, 3, 0, 0);
  assert.equal(scheduledJobKey('nightly-report', slot), 'sched_nightly_report_20261125T030000Z');
  assert.equal(scheduledJobKey('nightly-report', slot), scheduledJobKey('nightly-report', slot));
  assert.equal(scheduledJobKey('nightly-report', slot + 250), 'sched_nightly_report_20261125T030000250Z');
  assert.notEqual(scheduledJobKey('nightly-report', slot + 1_000), scheduledJobKey('nightly-report', slot));
});

void test('the queues a runner serves come from config (object or sp00ky.yml), and a bad queue name is refused naming the key', async () => {
  assert.deepEqual(configFromObject({ backends, queues: ['default', 'emails'] }).queues, ['default', 'emails']);
  assert.equal(configFromObject({ backends }).queues, undefined, 'unset: the runner serves default');
  const dir = await mkdtemp(path.join(tmpdir(), 'spky-queues-'));
  const file = path.join(dir, 'sp00ky.yml');
  await writeFile(file, 'apps:\n  api:\n    type: backend\n    baseUrl: http://localhost:3660\n    method: { allowAnyPath: true }\nqueues: [default, reports]\n');
  assert.deepEqual((await loadConfig({ configPath: file, env: {} })).queues, ['default', 'reports']);
  await writeFile(file, 'apps:\n  api:\n    type: backend\n    baseUrl: http://localhost:3660\n    method: { allowAnyPath: true }\nqueues: [default, "bad name"]\n');
  await assert.rejects(loadConfig({ configPath: file, env: {} }), (error: unknown) => {
    assert.ok(error instanceof ConfigError);
    assert.equal(error.key, 'queues[1]');
    assert.match(error.expected, /letters, digits/);
    return true;
  });
});
