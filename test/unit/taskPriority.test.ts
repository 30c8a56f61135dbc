import assert from 'node:assert/strict';
import { test } from 'node:test';
import { FAIRNESS_KEY_MAX_BYTES, taskPriorityFor } from '../../src/core/taskPriority.js';
import { taskQueueFor } from '../../src/core/taskQueues.js';
import { queueList } from '../../src/app/cli/args.js';

void test("a job's task priority is its row priority (3 when unset), fair to its fairness key, else to its assignedTo", () => {
  assert.deepEqual(taskPriorityFor({}), { priorityKey: 3 });
  assert.deepEqual(taskPriorityFor({ priority: 1, assignedTo: 'user:ann' }), { priorityKey: 1, fairnessKey: 'user:ann' });
  assert.deepEqual(taskPriorityFor({ priority: 5, assignedTo: 'user:ann', fairnessKey: 'acme' }), { priorityKey: 5, fairnessKey: 'acme' });
});

void test('a fairness key over 64 bytes becomes a stable 64-byte hash, distinct per tenant', () => {
  const long = (tenant: string) => taskPriorityFor({ fairnessKey: `${tenant}-${'x'.repeat(100)}` }).fairnessKey!;
  assert.equal(Buffer.byteLength(long('a')), FAIRNESS_KEY_MAX_BYTES);
  assert.equal(long('a'), long('a'));
  assert.notEqual(long('a'), long('b'));
});

void test("the default queue runs on the backend's own task queue; a named queue on its own", () => {
  assert.equal(taskQueueFor({ taskQueue: 'spooky-temporal.api' }, undefined), 'spooky-temporal.api');
  assert.equal(taskQueueFor({ taskQueue: 'spooky-temporal.api' }, 'default'), 'spooky-temporal.api');
  assert.equal(taskQueueFor({ taskQueue: 'spooky-temporal.api' }, 'emails'), 'spooky-temporal.api-emails');
});

void test('--queues takes comma-separated names and refuses a bad one saying what is accepted', () => {
  assert.deepEqual(queueList('default, emails'), ['default', 'emails']);
  assert.throws(() => queueList('emails,bad name'), /expected 1–100 letters, digits/);
  assert.throws(() => queueList(' , '), /one or more queue names/);
});
