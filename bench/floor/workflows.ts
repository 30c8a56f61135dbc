// The Temporal floor: a workflow that runs one no-op activity, started straight from a client.
// Whatever a job runner adds, it cannot beat this on the same server.
import { proxyActivities } from '@temporalio/workflow';

const { noop } = proxyActivities<{ noop(): Promise<void> }>({ startToCloseTimeout: '30s' });

export async function floorWorkflow(): Promise<void> {
  await noop();
}
