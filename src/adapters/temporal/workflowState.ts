// The state of one job workflow, as reconciliation needs it.
import { WorkflowNotFoundError, type Client } from '@temporalio/client';

export type WorkflowState = 'running' | 'missing' | { closed: string };

export async function workflowState(client: Client, workflowId: string): Promise<WorkflowState> {
  try {
    const { status } = await client.workflow.getHandle(workflowId).describe();
    return status.name === 'RUNNING' ? 'running' : { closed: status.name };
  } catch (error) {
    if (error instanceof WorkflowNotFoundError) return 'missing';
    throw error;
  }
}
