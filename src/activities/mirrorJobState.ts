// Every state change of a job, written back to its row. These run as activities so the
// workflow stays free of I/O; each write is conditional, so a replayed or repeated
// activity never moves a job backwards.
import { ApplicationFailure } from '@temporalio/activity';
import type { Surreal } from 'surrealdb';
import type { JobErrorEntry } from '../interfaces.js';
import type { TableShapes } from '../db/tableShape.js';
import { claimJob, type ClaimResult } from '../sql/claimJob.js';
import { completeJob } from '../sql/completeJob.js';
import { failJob } from '../sql/failJob.js';
import { scheduleRetry } from '../sql/scheduleRetry.js';
import type { JobEvents } from '../runner/jobEvents.js';

export interface MirrorDeps {
  db: () => Surreal;
  shapes: TableShapes;
  identity: string;
  events: JobEvents;
}

export interface JobRef {
  jobId: string;
  table: string;
}

export function createMirrorActivities(deps: MirrorDeps) {
  const shapeOf = async (table: string) => {
    try {
      return await deps.shapes.get(table);
    } catch (cause) {
      throw ApplicationFailure.retryable(`cannot read the definition of table ${table}: ${(cause as Error).message}`);
    }
  };

  return {
    async claimJob(args: JobRef & { retries: number; attempt: number }): Promise<ClaimResult> {
      const result = await claimJob(deps.db(), await shapeOf(args.table), {
        jobId: args.jobId,
        retries: args.retries,
        assignee: deps.identity,
      });
      if (result.claimed) deps.events.publish({ jobId: args.jobId, status: 'processing', attempt: args.attempt });
      return result;
    },

    async completeJob(args: JobRef & { result: unknown; attempt: number }): Promise<boolean> {
      const written = await completeJob(deps.db(), await shapeOf(args.table), args);
      if (written) deps.events.publish({ jobId: args.jobId, status: 'success', attempt: args.attempt });
      return written;
    },

    async scheduleRetry(args: JobRef & { error: JobErrorEntry; retries: number; waitMs: number }): Promise<boolean> {
      const written = await scheduleRetry(deps.db(), await shapeOf(args.table), args);
      if (written)
        deps.events.publish({
          jobId: args.jobId,
          status: 'pending',
          attempt: args.error.attempt,
          error: args.error,
          nextAttemptInMs: args.waitMs,
        });
      return written;
    },

    /** Failed for good, or killed: from pending or processing only, so it never overwrites a success. */
    async failJob(args: JobRef & { error: JobErrorEntry }): Promise<boolean> {
      const written = await failJob(deps.db(), await shapeOf(args.table), {
        jobId: args.jobId,
        error: args.error,
        from: ['pending', 'processing'],
      });
      if (written) deps.events.publish({ jobId: args.jobId, status: 'failed', attempt: args.error.attempt, error: args.error });
      return written;
    },
  };
}
