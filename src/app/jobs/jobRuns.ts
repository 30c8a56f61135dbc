// A job's runs in Temporal: which workflow is current, the next run number, waiting for a close.
import type { Client } from '@temporalio/client';
import type { JobRow } from '../../core/interfaces.js';
import { JobStateError } from '../../core/errors.js';
import type { TableShape } from '../../adapters/db/tableShape.js';
import { workflowIdFor } from '../../core/workflowId.js';
import { latestJobRun } from '../../adapters/temporal/latestJobRun.js';

/** How long retry() waits for a finished job's workflow to close. */
const RUN_CLOSE_TIMEOUT_MS = 10_000;

/** The workflow of the job's current enqueue: from the row's `run`, else from Temporal. */
export async function currentWorkflowId(client: Client, row: JobRow, shape: TableShape): Promise<string> {
  if (shape.has('run')) return workflowIdFor(row.id, row.run);
  return (await latestJobRun(client, row.id))?.workflowId ?? workflowIdFor(row.id, 1);
}

/** The run after the newest one Temporal has, once that one has closed (it may still be closing). */
export async function nextRunFromTemporal(client: Client, jobId: string): Promise<number> {
  let latest = await latestJobRun(client, jobId);
  if (latest?.status === 'RUNNING') {
    // The row is finished, so its run is closing: it ends right after its last row write.
    await waitForWorkflowClose(client, latest.workflowId, RUN_CLOSE_TIMEOUT_MS);
    latest = await latestJobRun(client, jobId);
    if (latest?.status === 'RUNNING') {
      throw new JobStateError(jobId, 'processing', `its workflow ${latest.workflowId} is still running; kill it first or wait`);
    }
  }
  return (latest?.run ?? 0) + 1;
}

/** Waits until the workflow closes (in any way) or `timeoutMs` passes, whichever comes first. */
export async function waitForWorkflowClose(client: Client, workflowId: string, timeoutMs: number): Promise<void> {
  // The long poll is aborted at the deadline, so a kill that times out leaves no call behind.
  const deadline = new AbortController();
  const timer = setTimeout(() => deadline.abort(), timeoutMs);
  try {
    await client.withAbortSignal(deadline.signal, () => client.workflow.getHandle(workflowId).result());
  } catch {
    // Closed as failed or cancelled, or the deadline passed: the caller reads the row next.
  } finally {
    clearTimeout(timer);
  }
}
