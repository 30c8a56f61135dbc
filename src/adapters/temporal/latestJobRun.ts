// The newest run of a job, as Temporal knows it. A table defined as in Sp00ky's docs has no
// `run` field, so Temporal is the only record of how often a job was re-run: its workflows are
// `job:X`, `job:X~retry-1`, … and each exists only once the one before it ended, so the newest
// is found by a galloping search, about 2·log2(runs) describe calls (2 for a job never retried).
import { WorkflowNotFoundError, type Client } from '@temporalio/client';
import { workflowIdFor } from '../../core/workflowId.js';

export interface JobRunState {
  run: number;
  workflowId: string;
  /** `RUNNING`, or how it closed: `COMPLETED`, `FAILED`, `CANCELLED`, `TERMINATED`, `TIMED_OUT`. */
  status: string;
  closedAt?: Date;
}

/** Searching stops here: a job re-run this often is left to its newest run found so far. */
const MAX_RUN = 1 << 20;

export async function latestJobRun(client: Client, jobId: string): Promise<JobRunState | undefined> {
  const seen = new Map<number, JobRunState | undefined>();
  const describe = async (run: number): Promise<JobRunState | undefined> => {
    if (!seen.has(run)) seen.set(run, await describeRun(client, jobId, run));
    return seen.get(run);
  };
  if (!(await describe(1))) return undefined;
  let found = 1;
  let missing = 2;
  while (missing <= MAX_RUN && (await describe(missing))) {
    found = missing;
    missing *= 2;
  }
  while (missing - found > 1) {
    const middle = Math.floor((found + missing) / 2);
    if (await describe(middle)) found = middle;
    else missing = middle;
  }
  return seen.get(found);
}

async function describeRun(client: Client, jobId: string, run: number): Promise<JobRunState | undefined> {
  const workflowId = workflowIdFor(jobId, run);
  try {
    const description = await client.workflow.getHandle(workflowId).describe();
    return {
      run,
      workflowId,
      status: description.status.name,
      ...(description.closeTime ? { closedAt: description.closeTime } : {}),
    };
  } catch (error) {
    if (error instanceof WorkflowNotFoundError) return undefined;
    throw error;
  }
}

/**
 * Whether a run that closed wrote the row's end itself. Every way runJob ends (success, a
 * failure, a kill) writes the row first; a run terminated or timed out by hand did not, and its
 * row is an orphan unless someone re-enqueued it since.
 */
export function closedAfterWritingRow(status: string): boolean {
  return status === 'COMPLETED' || status === 'FAILED' || status === 'CANCELLED';
}
