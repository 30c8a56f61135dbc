// The short chaos run (`npm run chaos` is the full one): a bridge process and two worker
// processes run a mixed load while workers, bridges and the Temporal server are killed and
// restarted at random moments, and SurrealDB stalls and drops its connections. No job may be lost, wrongly failed, called after its kill,
// or effectively called twice; every row must agree with its workflow's history.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { DEV_FAULT_KINDS, runChaos } from '../../chaos/runChaos.js';

void test('under SIGKILLs of workers and bridges, a Temporal restart, two bridges at once, a SurrealDB that stalls and one that drops every connection, no job is lost, wrongly failed, called after kill or called twice, and every schedule slot makes exactly one job', async (t) => {
  const report = await runChaos({
    jobs: 150,
    faults: DEV_FAULT_KINDS.length,
    seed: 20261125,
    maxDelayMs: 6_000,
    enqueueOverMs: 20_000,
    settleTimeoutMs: 180_000,
    // A stuck run fails with what was open (rows, pollers, backlog, each process's output).
    deadlineMs: 7 * 60_000,
    // Shorter than `npm run chaos`'s 20 s, to keep this run short; still past the processes' call deadline.
    surrealStallMs: 8_000,
    dbTimeoutMs: 4_000,
    log: () => undefined,
  });
  const summary = JSON.stringify(report);
  t.diagnostic(`scheduled jobs: ${report.scheduled_jobs} from ${report.schedule_slots} slots`);
  // 150, plus one slow job when the call-kill fault finds no call in flight late in the run.
  assert.ok(report.jobs === 150 || report.jobs === 151, summary);
  assert.equal(report.faults, DEV_FAULT_KINDS.length, summary);
  assert.equal(report.lost, 0, summary);
  assert.equal(report.wrongly_failed, 0, summary);
  assert.equal(report.called_after_kill, 0, summary);
  assert.equal(report.duplicate_effective_calls, 0, summary);
  assert.equal(report.mixed_keys, 0, summary);
  assert.equal(report.inconsistent, 0, summary);
  assert.ok(report.scheduled_jobs > 0, summary);
  assert.equal(report.slot_mismatches, 0, summary);
});
