// Retry = re-run a failed or successful job as a new enqueue: a new workflow id, the old run
// stays in the UI.
import type { RetryOutcome } from '../../core/interfaces.js';
import { InvalidJobError, JobStateError } from '../../core/errors.js';
import { parseJobRow } from '../../adapters/db/jobRow.js';
import { resetJobForRetry } from '../../adapters/sql/resetJobForRetry.js';
import { buildWorkflowInput } from '../../core/buildWorkflowInput.js';
import { startJobWorkflow } from '../../adapters/temporal/startJobWorkflow.js';
import { mustReadJob, type JobsClientDeps } from './jobsClientDeps.js';
import { context as otelContext } from '@opentelemetry/api';
import { inEnqueueSpan } from '../../adapters/tracing/enqueueSpan.js';
import { contextOfTraceparent, currentTraceparent } from '../../adapters/tracing/traceparent.js';
import { nextRunFromTemporal } from './jobRuns.js';

export function retryJob(deps: JobsClientDeps, jobId: string): Promise<RetryOutcome> {
  return inEnqueueSpan('retry job', { 'spooky.job_id': jobId }, () => retryInTrace(deps, jobId));
}

async function retryInTrace(deps: JobsClientDeps, jobId: string): Promise<RetryOutcome> {
  const row = await mustReadJob(deps, jobId);
  if (row.status !== 'failed' && row.status !== 'success') {
    throw new JobStateError(jobId, row.status, 'only failed or success jobs can be retried; kill it first or wait');
  }
  const shape = await deps.shapes.get(row.table);
  // Tables with a `run` field number enqueues themselves. On a table without one (Sp00ky's
  // documented table) the next run follows the newest in Temporal, found before the row is
  // reset: a bridge that sees the reset row finds that same newest run and starts the same next one.
  const nextRunWithoutField = shape.has('run') ? undefined : await nextRunFromTemporal(deps.client, jobId);
  const reset = await resetJobForRetry(deps.db(), shape, jobId, currentTraceparent());
  const parsed = reset ? parseJobRow(reset) : undefined;
  if (!parsed?.ok) {
    const now = await mustReadJob(deps, jobId);
    throw new JobStateError(jobId, now.status, 'it changed while retrying; only failed or success jobs can be retried');
  }
  const run = nextRunWithoutField ?? parsed.row.run;
  const built = buildWorkflowInput({ ...parsed.row, run }, deps.registry);
  if (!built.ok) throw new InvalidJobError(jobId, built.reason);
  // A duplicate means a bridge started this very enqueue first.
  await otelContext.with(contextOfTraceparent(parsed.row.traceparent), () => startJobWorkflow(deps.client, built));
  return { outcome: 're-enqueued', jobId, workflowId: built.workflowId, run };
}
