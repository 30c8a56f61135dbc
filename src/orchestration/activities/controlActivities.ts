// The I/O of the control workflows: a schedule's slot becomes a job row (found, not doubled,
// on a repeat), and retention deletes old finished rows.
import { ApplicationFailure, heartbeat } from '@temporalio/activity';
import type { Surreal } from 'surrealdb';
import type { JobErrorEntry } from '../../core/interfaces.js';
import type { ScheduledJobPrepared, ScheduledJobSpec } from '../../core/activityContract.js';
import type { TableShape } from '../../adapters/db/tableShape.js';
import type { BackendRegistry } from '../../config/backendRegistry.js';
import type { JobEvents } from '../../core/jobEvents.js';
import { parseJobRow } from '../../adapters/db/jobRow.js';
import { buildWorkflowInput } from '../../core/buildWorkflowInput.js';
import { createScheduledJob } from '../../adapters/sql/createScheduledJob.js';
import { failJob } from '../../adapters/sql/failJob.js';
import { scheduledJobKey } from '../../core/scheduledJobId.js';
import { pruneJobs, pruneJobsInSteps } from '../../adapters/sql/pruneJobs.js';

export interface ControlActivityDeps {
  db: () => Surreal;
  shapeOf: (table: string) => Promise<TableShape>;
  registry: BackendRegistry;
  events: JobEvents;
}

export function createControlActivities(deps: ControlActivityDeps) {
  return {
    /** The slot's row (created now, or found from an earlier try) and the input of its job workflow. */
    async enqueueScheduledJob(args: { spec: ScheduledJobSpec; slotMs: number }): Promise<ScheduledJobPrepared> {
      const { spec } = args;
      const shape = await deps.shapeOf(spec.table);
      if (!shape.has('schedule')) {
        throw ApplicationFailure.nonRetryable(
          `table ${spec.table} has no schedule field, which scheduled jobs need: run \`spooky-temporal schema deploy\``,
          'SchemaMissing',
        );
      }
      const key = scheduledJobKey(spec.schedule, args.slotMs);
      const { raw, created } = await createScheduledJob(deps.db(), shape, spec.table, key, {
        path: spec.path,
        payload: JSON.stringify(spec.payload ?? {}),
        max_retries: spec.maxRetries,
        retry_strategy: spec.retryStrategy,
        priority: spec.priority,
        queue: spec.queue,
        fairness_key: spec.fairnessKey,
        schedule: spec.schedule,
      });
      const jobId = `${spec.table}:${key}`;
      const parsed = parseJobRow(raw);
      if (!parsed.ok) return { ok: false, jobId, reason: parsed.reason };
      const built = buildWorkflowInput(parsed.row, deps.registry);
      if (!built.ok) {
        const error: JobErrorEntry = { code: 'invalid', reason: built.reason, attempt: 0, at: new Date().toISOString() };
        if (await failJob(deps.db(), shape, { jobId, error, from: ['pending'] })) deps.events.publish({ jobId, status: 'invalid', error });
        return { ok: false, jobId, reason: built.reason };
      }
      // The slot's workflow starts the job's workflow next, as the bridge would for other rows.
      if (created) deps.events.publish({ jobId, status: 'started', workflowId: built.workflowId });
      return { ok: true, jobId, created, workflowId: built.workflowId, taskQueue: built.taskQueue, input: built.input, priority: built.priority };
    },

    /**
     * One short step of retention, run as a local activity: at most `maxBatches` DELETE batches
     * against a cutoff the workflow fixed once. `complete` is false while rows are left.
     */
    async pruneOldJobsStep(args: { cutoffMs: number; tables?: string[]; maxBatches: number }): Promise<{ counts: Record<string, number>; complete: boolean }> {
      const { result, complete } = await pruneJobsInSteps(deps.db(), { get: deps.shapeOf }, args.tables ?? deps.registry.tables, {
        olderThanMs: 0,
        now: new Date(args.cutoffMs),
        maxBatches: args.maxBatches,
      });
      return { counts: result.counts, complete };
    },

    /** Retention: deletes finished rows older than the window, table by table, in batches (runs started before local steps). */
    async pruneOldJobs(args: { olderThanMs: number; tables?: string[] }): Promise<Record<string, number>> {
      const result = await pruneJobs(deps.db(), { get: deps.shapeOf }, args.tables ?? deps.registry.tables, {
        olderThanMs: args.olderThanMs,
        onBatch: (progress) => heartbeat(progress),
      });
      return result.counts;
    },
  };
}

export type ControlActivities = ReturnType<typeof createControlActivities>;
