// Retention's action, started by its Temporal Schedule: delete finished rows older than the window.
import { proxyActivities } from '@temporalio/workflow';
import type { JobActivities } from '../activities/index.js';

const prune = proxyActivities<JobActivities>({
  startToCloseTimeout: '30m',
  // Heartbeats after each batch: a worker that dies mid-way is noticed within a minute.
  heartbeatTimeout: '1m',
  retry: { initialInterval: '1s', backoffCoefficient: 2, maximumInterval: '1m', maximumAttempts: 5 },
});

/** `tables`: the job tables of the config that made the schedule; without it, the worker's own. */
export async function pruneOldJobs(args: { olderThanMs: number; tables?: string[] }): Promise<Record<string, number>> {
  return prune.pruneOldJobs(args);
}
