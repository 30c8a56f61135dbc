// The activities of the v1 `jobWorkflow` (three per attempt: claim, call, record), kept
// registered so runs started before the upgrade finish. Their writes are keyed by attempt
// like everything else: a repeat of a claim on another worker succeeds (the v1 runner keyed
// it by worker identity, and a crash after the claim wrongly fenced the job).
import type { JobErrorEntry } from '../../core/interfaces.js';
import type { JobEvents } from '../../core/jobEvents.js';
import type { TableShape } from '../../adapters/db/tableShape.js';
import type { Surreal } from 'surrealdb';
import { claimJob } from '../../adapters/sql/claimJob.js';
import { completeJob } from '../../adapters/sql/completeJob.js';
import { failJob } from '../../adapters/sql/failJob.js';
import { scheduleRetry } from '../../adapters/sql/scheduleRetry.js';
import { readAttemptState } from '../../adapters/sql/readAttemptState.js';
import { recordedOutcome } from './recordedOutcome.js';
import type { ClaimResult, JobRef } from '../../core/activityContract.js';

export interface MirrorDeps {
  db: () => Surreal;
  shapeOf: (table: string) => Promise<TableShape>;
  identity: string;
  events: JobEvents;
}

export function createV1Activities(deps: MirrorDeps) {
  return {
    async claimJob(args: JobRef & { retries: number; attempt: number }): Promise<ClaimResult> {
      const key = { jobId: args.jobId, attempt: args.attempt };
      if (await claimJob(deps.db(), await deps.shapeOf(args.table), { key, assignee: deps.identity })) {
        deps.events.publish({ jobId: args.jobId, status: 'processing', attempt: args.attempt });
        return { claimed: true };
      }
      const recorded = recordedOutcome(await readAttemptState(deps.db(), args.jobId), key);
      return { claimed: false, status: recorded.kind === 'fenced' ? recorded.rowStatus : recorded.kind === 'kill-requested' ? 'processing' : recorded.kind };
    },

    async completeJob(args: JobRef & { result: unknown; attempt: number }): Promise<boolean> {
      const written = await completeJob(deps.db(), await deps.shapeOf(args.table), {
        key: { jobId: args.jobId, attempt: args.attempt },
        result: args.result,
      });
      if (written) deps.events.publish({ jobId: args.jobId, status: 'success', attempt: args.attempt });
      return written;
    },

    async scheduleRetry(args: JobRef & { error: JobErrorEntry; retries: number; waitMs: number }): Promise<boolean> {
      const written = await scheduleRetry(deps.db(), await deps.shapeOf(args.table), {
        key: { jobId: args.jobId, attempt: args.retries },
        error: args.error,
      });
      if (written) {
        deps.events.publish({ jobId: args.jobId, status: 'pending', attempt: args.error.attempt, error: args.error, nextAttemptInMs: args.waitMs });
      }
      return written;
    },

    /** Failed for good, or killed: from pending or processing only, so it never overwrites a success. */
    async failJob(args: JobRef & { error: JobErrorEntry }): Promise<boolean> {
      const written = await failJob(deps.db(), await deps.shapeOf(args.table), {
        jobId: args.jobId,
        error: args.error,
        from: ['pending', 'processing'],
      });
      if (written) deps.events.publish({ jobId: args.jobId, status: 'failed', attempt: args.error.attempt, error: args.error });
      return written;
    },
  };
}
