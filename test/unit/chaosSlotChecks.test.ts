// The chaos run's schedule check: every slot workflow completed and named its own row, and every
// scheduled row was named by exactly one slot.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { checkChaos, type ChaosObservation } from '../../chaos/checks.js';
import type { JobRow } from '../../src/core/interfaces.js';

function row(id: string, schedule?: string): JobRow {
  return { id, status: 'success', retries: 0, run: 1, errors: [], result: { ok: true }, ...(schedule ? { schedule } : {}) } as unknown as JobRow;
}

function observe(rows: JobRow[], slots: ChaosObservation['slots']): ChaosObservation {
  return {
    rows,
    requests: [],
    killedAt: new Map(),
    expectedFailures: new Set(),
    outcomes: new Map(rows.map((r) => [r.id, { status: 'success', attempts: 1, result: { ok: true } }])),
    faults: [],
    slots,
  };
}

const ROWS = [row('job:plain'), row('job:sched_tick_1', 'tick'), row('job:sched_tick_2', 'tick')];

void test('slots that each completed and named their own row, one row each, are no mismatch; scheduled rows are counted apart', () => {
  const results = checkChaos(observe(ROWS, [
    { workflowId: 'schedule:tick-1', completed: true, jobId: 'job:sched_tick_1' },
    { workflowId: 'schedule:tick-2', completed: true, jobId: 'job:sched_tick_2' },
  ]));
  assert.deepEqual([results.jobs, results.scheduled_jobs, results.schedule_slots, results.slot_mismatches], [1, 2, 2, 0]);
});

void test('a slot that did not complete, two slots naming one row, or a scheduled row no slot named is a mismatch', () => {
  const unfinished = checkChaos(observe(ROWS, [
    { workflowId: 'schedule:tick-1', completed: true, jobId: 'job:sched_tick_1' },
    { workflowId: 'schedule:tick-2', completed: false },
  ]));
  assert.equal(unfinished.slot_mismatches, 2, 'the unfinished slot, and the row it never named');
  const shared = checkChaos(observe(ROWS, [
    { workflowId: 'schedule:tick-1', completed: true, jobId: 'job:sched_tick_1' },
    { workflowId: 'schedule:tick-1b', completed: true, jobId: 'job:sched_tick_1' },
    { workflowId: 'schedule:tick-2', completed: true, jobId: 'job:sched_tick_2' },
  ]));
  assert.equal(shared.slot_mismatches, 1);
  const orphan = checkChaos(observe(ROWS, [{ workflowId: 'schedule:tick-1', completed: true, jobId: 'job:sched_tick_1' }]));
  assert.equal(orphan.slot_mismatches, 1);
});
