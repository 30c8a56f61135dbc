// A kill requested on the row (fn::job::kill, or the API) becomes a cancellation of its workflow.
import type { JobRow } from '../../core/interfaces.js';
import { workflowIdFor } from '../../core/workflowId.js';
import { cancelJobWorkflow } from '../../adapters/temporal/cancelJobWorkflow.js';
import type { BridgeContext } from './bridgeOptions.js';

export async function relayKill(ctx: BridgeContext, row: JobRow): Promise<void> {
  const workflowId = workflowIdFor(row.id, row.run);
  const outcome = await cancelJobWorkflow(ctx.client, workflowId);
  if (outcome === 'cancel-requested') ctx.logger.info({ jobId: row.id, workflowId }, 'kill requested: cancelling');
}
