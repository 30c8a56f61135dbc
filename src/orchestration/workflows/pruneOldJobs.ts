// Retention's action, started by its Temporal Schedule: delete finished rows older than the window.
// In short local steps (each at most a few DELETE batches, on this worker's own local slots), so
// retention never holds one of the backend's HTTP slots for the minutes a large prune can take.
import { patched, proxyActivities, proxyLocalActivities } from '@temporalio/workflow';
import type { JobActivities } from '../../core/activityContract.js';

const prune = proxyActivities<JobActivities>({
  startToCloseTimeout: '30m',
  // Heartbeats after each batch: a worker that dies mid-way is noticed within a minute.
  heartbeatTimeout: '1m',
  retry: { initialInterval: '1s', backoffCoefficient: 2, maximumInterval: '1m', maximumAttempts: 5 },
});

const pruneLocally = proxyLocalActivities<JobActivities>({
  startToCloseTimeout: '1m',
  retry: { initialInterval: '1s', backoffCoefficient: 2, maximumInterval: '1m', maximumAttempts: 5 },
});

/** patched() id: runs started before it prune in one long regular activity instead. */
const PRUNE_IN_LOCAL_STEPS = 'prune-in-local-steps';
/** DELETE batches (of 500 rows) per local step. */
const BATCHES_PER_STEP = 20;

/** `tables`: the job tables of the config that made the schedule; without it, the worker's own. */
export async function pruneOldJobs(args: { olderThanMs: number; tables?: string[] }): Promise<Record<string, number>> {
  if (!patched(PRUNE_IN_LOCAL_STEPS)) return prune.pruneOldJobs(args);
  // One cutoff for every step, fixed when the run starts.
  const cutoffMs = Date.now() - args.olderThanMs;
  const totals: Record<string, number> = {};
  for (;;) {
    const step = await pruneLocally.pruneOldJobsStep({ cutoffMs, ...(args.tables ? { tables: args.tables } : {}), maxBatches: BATCHES_PER_STEP });
    for (const [table, count] of Object.entries(step.counts)) totals[table] = (totals[table] ?? 0) + count;
    if (step.complete) return totals;
  }
}
