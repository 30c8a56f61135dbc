// A row that is still pending or processing while its workflow has closed (terminated by
// hand in the Temporal UI, say) would wait forever: REJECT_DUPLICATE blocks a second run.
// End the row with a reason; `retry` runs the job again. Conditional writes make the race
// with a workflow that just finished harmless: its own final write already happened.
import type { JobErrorEntry, JobRow } from '../../core/interfaces.js';
import { failJob } from '../../adapters/sql/failJob.js';
import { workflowIdFor } from '../../core/workflowId.js';
import { latestJobRun } from '../../adapters/temporal/latestJobRun.js';
import { workflowState } from '../../adapters/temporal/workflowState.js';
import { enqueuedAgainSince } from './enqueuedAgain.js';
import type { BridgeContext } from './bridgeOptions.js';

export async function repairOrphan(ctx: BridgeContext, row: JobRow): Promise<void> {
  if (row.status !== 'pending' && row.status !== 'processing') return;
  const shape = await ctx.shapes.get(row.table);
  if (!shape.has('run')) {
    // Which run is current only Temporal knows; a closed one is an orphan only if it did not end the row.
    const latest = await latestJobRun(ctx.client, row.id);
    if (!latest || latest.status === 'RUNNING') return;
    // A pending row after a run that ended it, or written after the run closed: re-enqueued, not orphaned.
    if (row.status === 'pending' && enqueuedAgainSince(latest, row)) return;
    row = { ...row, run: latest.run };
  }
  const workflowId = workflowIdFor(row.id, row.run);
  const state = await workflowState(ctx.client, workflowId);
  if (state === 'running') ctx.confirmedRunning.confirm(workflowId);
  if (state === 'running' || state === 'missing') return;
  const error: JobErrorEntry = {
    code: row.status === 'pending' ? 'killed' : 'cancelled',
    reason: `its workflow ${workflowId} ended (${state.closed}) without finishing the job; retry the job to run it again`,
    attempt: row.retries + 1,
    at: new Date().toISOString(),
  };
  // Keyed by run and attempt: a row that moved on since it was read is left alone.
  const key = { jobId: row.id, error, from: [row.status], run: row.run, attempt: row.retries + 1 };
  if (await failJob(ctx.connection.db, shape, key)) {
    ctx.events.publish({ jobId: row.id, status: 'failed', error });
    ctx.logger.warn({ jobId: row.id, workflowId, workflowStatus: state.closed }, 'job workflow had closed; marked the job failed');
  }
}
