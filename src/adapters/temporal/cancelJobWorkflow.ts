// Kill = cancellation of the job's current workflow. A workflow that is gone already is fine.
import { WorkflowNotFoundError, type Client } from '@temporalio/client';

export async function cancelJobWorkflow(client: Client, workflowId: string): Promise<'cancel-requested' | 'not-running'> {
  try {
    const handle = client.workflow.getHandle(workflowId);
    const description = await handle.describe();
    if (description.status.name !== 'RUNNING') return 'not-running';
    await handle.cancel();
    return 'cancel-requested';
  } catch (error) {
    if (error instanceof WorkflowNotFoundError) return 'not-running';
    throw error;
  }
}
