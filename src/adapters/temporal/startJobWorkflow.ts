// Idempotent start: one workflow id per enqueue, and Temporal refuses a second run of it
// (REJECT_DUPLICATE while closed, FAIL while running). A duplicate is not an error: several
// bridges, a replayed live event and a catch-up may all try the same start.
// A delayed job starts with Temporal's start delay: the server holds the first workflow task
// until it is due, so a waiting job costs no workflow task, no timer and no worker memory
// (10,000 jobs waiting an hour: see the bench). A kill during the delay ends the wait at once.
import { WorkflowExecutionAlreadyStartedError, type Client } from '@temporalio/client';
import { WorkflowIdConflictPolicy, WorkflowIdReusePolicy, type Priority } from '@temporalio/common';
import type { JobWorkflowInput } from '../../core/interfaces.js';
import { jobStartOptions } from '../../core/jobStartOptions.js';

export type StartOutcome = 'started' | 'duplicate';

export async function startJobWorkflow(
  client: Client,
  args: { workflowId: string; taskQueue: string; input: JobWorkflowInput; priority?: Priority },
  now = Date.now(),
): Promise<StartOutcome> {
  const { input } = args;
  const startDelayMs = input.dueAtMs - now;
  try {
    await client.workflow.start('runJob', {
      workflowId: args.workflowId,
      taskQueue: args.taskQueue,
      args: [input],
      workflowIdReusePolicy: WorkflowIdReusePolicy.REJECT_DUPLICATE,
      workflowIdConflictPolicy: WorkflowIdConflictPolicy.FAIL,
      ...(startDelayMs > 0 ? { startDelay: startDelayMs } : {}),
      // Priority and fairness key: the server orders this workflow's tasks, and its activities'.
      ...(args.priority ? { priority: args.priority } : {}),
      ...jobStartOptions(input),
    });
    return 'started';
  } catch (error) {
    if (error instanceof WorkflowExecutionAlreadyStartedError) return 'duplicate';
    throw error;
  }
}
