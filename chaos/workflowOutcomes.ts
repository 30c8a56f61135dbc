// What Temporal says happened, for the checks: every job row with its workflow's outcome, and
// every schedule slot workflow with the job it enqueued.
import { ApplicationFailure, CancelledFailure, WorkflowNotFoundError, type Client } from '@temporalio/client';
import pLimit from 'p-limit';
import type { Surreal } from 'surrealdb';
import { parseJobRow } from '../src/adapters/db/jobRow.js';
import type { JobRow } from '../src/core/interfaces.js';
import { workflowIdFor } from '../src/core/workflowId.js';
import type { ChaosObservation, WorkflowOutcome } from './checks.js';
import { persist } from './timing.js';

export async function readOutcomes(db: Surreal, client: Client): Promise<Pick<ChaosObservation, 'rows' | 'outcomes' | 'slots'>> {
  const [raws] = await persist('read the rows', () => db.query<[unknown[]]>('SELECT * FROM job'));
  const rows = raws.flatMap((rawRow) => {
    const parsed = parseJobRow(rawRow);
    return parsed.ok ? [parsed.row] : [];
  });
  const outcomes = new Map<string, WorkflowOutcome>();
  const limit = pLimit(16);
  await Promise.all(rows.map((row) => limit(async () => outcomes.set(row.id, await outcomeOf(client, row)))));
  const slots: { workflowId: string; completed: boolean; status: string; jobId?: string }[] = [];
  for await (const w of client.workflow.list({ query: "WorkflowType = 'runScheduledJob'" })) {
    const result = w.status.name === 'COMPLETED' ? ((await client.workflow.getHandle(w.workflowId, w.runId).result()) as { jobId?: string }) : undefined;
    // Why a slot did not complete: its failure's innermost message (a child job's failure, an activity's error).
    const why = w.status.name === 'COMPLETED' ? '' : await client.workflow.getHandle(w.workflowId, w.runId).result().then(() => '', (error: unknown) => innermostMessage(error));
    slots.push({ workflowId: w.workflowId, completed: w.status.name === 'COMPLETED', status: why ? `${w.status.name}: ${why}` : w.status.name, ...(result?.jobId ? { jobId: result.jobId } : {}) });
  }
  return { rows, outcomes, slots };
}

/** The outcome of the job's latest enqueue, following continue-as-new. */
async function outcomeOf(client: Client, row: JobRow): Promise<WorkflowOutcome> {
  const handle = client.workflow.getHandle(workflowIdFor(row.id, row.run));
  try {
    const result = (await handle.result()) as { status: string; attempts: number; result?: unknown; rowStatus?: string };
    if (result.status === 'success') return { status: 'success', attempts: result.attempts, result: result.result };
    if (result.status === 'fenced') return { status: 'fenced', rowStatus: String(result.rowStatus) };
    return { status: 'other', detail: JSON.stringify(result) };
  } catch (error) {
    if (error instanceof WorkflowNotFoundError) return { status: 'missing' };
    const cause = (error as { cause?: unknown }).cause;
    if (cause instanceof CancelledFailure) return { status: 'cancelled' };
    if (cause instanceof ApplicationFailure && cause.type === 'JobFailed') {
      return { status: 'failed', attempts: (cause.details?.[0] as { attempt?: number } | undefined)?.attempt };
    }
    const c = cause as { name?: string; message?: string } | undefined;
    return { status: 'other', detail: `${(error as Error).message}: ${c?.name}: ${c?.message}` };
  }
}

function innermostMessage(error: unknown): string {
  let current = error as { message?: string; cause?: unknown } | undefined;
  while (current?.cause) current = current.cause as { message?: string; cause?: unknown };
  return String(current?.message ?? error).slice(0, 300);
}
