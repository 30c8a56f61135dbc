// The Temporal floor: workflows that run one no-op activity, started straight from a client.
// Whatever a job runner adds, it cannot beat these on the same server.
import { proxyActivities, sleep } from '@temporalio/workflow';

const { noop } = proxyActivities<{ noop(label?: string): Promise<void> }>({ startToCloseTimeout: '30s' });

export async function floorWorkflow(): Promise<void> {
  await noop();
}

/** A timer, then the activity: the activity's start minus the due time is the floor's lateness. */
export async function floorDelayedWorkflow(delayMs: number, label: string): Promise<void> {
  await sleep(delayMs);
  await noop(label);
}
