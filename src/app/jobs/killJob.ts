// Kill = cancel the job's workflow. A pending job is fenced first (failed, `killed`), as
// fn::job::kill does, so it never runs even while no worker is up; a job in flight is
// cancelled and the workflow aborts the request and marks it `cancelled`.
import type { JobErrorEntry, KillOptions, KillOutcome } from '../../core/interfaces.js';
import { failJob } from '../../adapters/sql/failJob.js';
import { requestKill } from '../../adapters/sql/requestKill.js';
import { cancelJobWorkflow } from '../../adapters/temporal/cancelJobWorkflow.js';
import { mustReadJob, readJob, type JobsClientDeps } from './jobsClientDeps.js';
import { currentWorkflowId, waitForWorkflowClose } from './jobRuns.js';

/** How long kill() waits for the workflow to mirror the kill to the row. */
const KILL_SETTLE_TIMEOUT_MS = 30_000;

/**
 * Resolves once the row is terminal (in flight: after the workflow closed, at most `waitMs`,
 * default 30 s; then `kill-requested`, and the cancellation still applies when a worker runs).
 */
export async function killJob(deps: JobsClientDeps, jobId: string, options: KillOptions = {}): Promise<KillOutcome> {
  let row = await mustReadJob(deps, jobId);
  if (row.status === 'success' || row.status === 'failed') {
    return { outcome: 'already-finished', jobId, status: row.status };
  }
  const shape = await deps.shapes.get(row.table);
  const workflowId = await currentWorkflowId(deps.client, row, shape);
  if (row.status === 'pending') {
    const error: JobErrorEntry = { code: 'killed', reason: 'killed by operator', attempt: row.retries + 1, at: new Date().toISOString() };
    if (await failJob(deps.db(), shape, { jobId, error, from: ['pending'] })) {
      deps.events?.publish({ jobId, status: 'failed', attempt: error.attempt, error });
      await cancelJobWorkflow(deps.client, workflowId);
      return { outcome: 'killed', jobId, previousStatus: 'pending' };
    }
    row = await mustReadJob(deps, jobId); // claimed (or finished) meanwhile
    if (row.status === 'success' || row.status === 'failed') return { outcome: 'already-finished', jobId, status: row.status };
  }
  await requestKill(deps.db(), shape, jobId);
  if ((await cancelJobWorkflow(deps.client, workflowId)) === 'cancel-requested') {
    await waitForWorkflowClose(deps.client, workflowId, options.waitMs ?? KILL_SETTLE_TIMEOUT_MS);
  } else {
    // In flight with no workflow left to abort it (the run was terminated by hand): end the row.
    const error: JobErrorEntry = { code: 'cancelled', reason: 'killed by operator; no workflow was running', attempt: row.retries + 1, at: new Date().toISOString() };
    if (await failJob(deps.db(), shape, { jobId, error, from: ['processing'] })) {
      deps.events?.publish({ jobId, status: 'failed', attempt: error.attempt, error });
    }
  }
  // A backend that answered 2xx before the kill reached its call did the work: the attempt
  // is a success, and the caller is told the kill came too late.
  const after = await readJob(deps, jobId);
  if (after?.status === 'success') return { outcome: 'too-late', jobId, status: 'success' };
  if (after?.status === 'processing') return { outcome: 'kill-requested', jobId, status: 'processing' };
  return { outcome: 'killed', jobId, previousStatus: row.status };
}
