// A schedule from config (or the API) as Temporal Schedule options. The options carry a hash
// of the config they came from (in the action's memo), so a restart can tell a changed schedule
// from an unchanged one, and the schedule's memo says who manages it.
import { createHash } from 'node:crypto';
import { ScheduleOverlapPolicy, type ScheduleOptions, type ScheduleOptionsStartWorkflowAction } from '@temporalio/client';
import type { Priority } from '@temporalio/common';
import type { JobScheduleConfig, OverlapPolicyName, RetentionConfig, RunnerConfig } from '../../core/interfaces.js';
import { CONFIG_DEFAULTS } from '../../config/schema.js';
import { DEFAULT_QUEUE, taskQueueFor } from '../../core/taskQueues.js';
import type { ScheduledJobSpec } from '../../core/activityContract.js';
import { RETENTION_SCHEDULE_ID, RETENTION_SCHEDULE_NAME, scheduleIdFor } from '../../core/scheduledJobId.js';
import { JOB_BACKEND, JOB_PATH, JOB_TABLE } from '../../core/searchAttributes.js';

/** `config`: reconciled with the config at start (deleted when removed); `api`: left to its creator. */
export type ScheduleManager = 'config' | 'api';

export const MEMO_KEY = 'spookyTemporal';
export interface ScheduleMemo {
  managedBy: ScheduleManager;
  name: string;
  kind: 'job' | 'retention';
  /** The deployment it belongs to: runners reconcile only the schedules of their own deployment. */
  deployment: string;
}

const OVERLAP: Record<OverlapPolicyName, ScheduleOverlapPolicy> = {
  skip: ScheduleOverlapPolicy.SKIP,
  buffer_one: ScheduleOverlapPolicy.BUFFER_ONE,
  buffer_all: ScheduleOverlapPolicy.BUFFER_ALL,
  cancel_other: ScheduleOverlapPolicy.CANCEL_OTHER,
  terminate_other: ScheduleOverlapPolicy.TERMINATE_OTHER,
  allow_all: ScheduleOverlapPolicy.ALLOW_ALL,
};

export function overlapName(policy: ScheduleOverlapPolicy | undefined): OverlapPolicyName {
  const found = Object.entries(OVERLAP).find(([, value]) => value === policy);
  return (found?.[0] as OverlapPolicyName | undefined) ?? 'skip';
}

/** A short digest of what a schedule was built from. */
export function configHash(value: unknown): string {
  return createHash('sha256').update(JSON.stringify(value)).digest('hex').slice(0, 16);
}

/**
 * Where a schedule's workflow runs: `taskQueue`, its backend's default task queue (served by the
 * backend's workers, so a schedule needs no worker of its own); `deployment`, the owner's name.
 */
export interface SchedulePlacement {
  taskQueue: string;
  deployment: string;
}

/** SDK 1.24 sends a schedule action's `priority` (and describes it), but its option type omits it. */
type StartWorkflowAction = ScheduleOptionsStartWorkflowAction<never> & { priority?: Priority };

/** Task priorities of a slot's own workflow (first) and of retention (last). */
const SLOT_PRIORITY = 1;
const RETENTION_PRIORITY = 5;

/** The placement of a schedule for `backend` (default: the first backend, for retention). */
export function schedulePlacement(config: Pick<RunnerConfig, 'backends' | 'deployment'>, backend?: string): SchedulePlacement {
  const owner = config.backends.find((b) => b.name === backend) ?? config.backends[0]!;
  return { taskQueue: taskQueueFor(owner, DEFAULT_QUEUE), deployment: config.deployment ?? CONFIG_DEFAULTS.deployment };
}

export function jobScheduleOptions(schedule: JobScheduleConfig, placement: SchedulePlacement, managedBy: ScheduleManager): ScheduleOptions {
  const spec: ScheduledJobSpec = {
    schedule: schedule.name,
    table: schedule.table,
    path: schedule.path,
    payload: schedule.payload,
    maxRetries: schedule.maxRetries,
    retryStrategy: schedule.retryStrategy,
    ...(schedule.priority !== undefined ? { priority: schedule.priority } : {}),
    ...(schedule.queue !== undefined ? { queue: schedule.queue } : {}),
    ...(schedule.fairnessKey !== undefined ? { fairnessKey: schedule.fairnessKey } : {}),
  };
  const action: StartWorkflowAction = {
    type: 'startWorkflow',
    workflowType: 'runScheduledJob',
    // Temporal appends the slot time: `schedule:nightly-2026-11-25T03:00:00Z`.
    workflowId: `schedule:${schedule.name}`,
    taskQueue: placement.taskQueue,
    args: [spec] as never,
    memo: { configHash: configHash({ schedule, placement, priority: SLOT_PRIORITY }), definition: schedule },
    typedSearchAttributes: [
      { key: JOB_TABLE, value: schedule.table },
      { key: JOB_BACKEND, value: schedule.backend },
      { key: JOB_PATH, value: schedule.path },
    ],
    staticSummary: `schedule ${schedule.name}: enqueue ${schedule.backend} POST ${schedule.path}`,
    // The slot's own steps (write the row, start the job) go ahead of any backlog on the backend's
    // task queue; the job then runs at the schedule's priority.
    priority: { priorityKey: SLOT_PRIORITY },
  };
  const memo: ScheduleMemo = { managedBy, name: schedule.name, kind: 'job', deployment: placement.deployment };
  return {
    scheduleId: scheduleIdFor(schedule.name),
    spec: schedule.cron !== undefined
      ? { cronExpressions: [schedule.cron], timezone: schedule.timezone }
      : { intervals: [{ every: schedule.everyMs! }], timezone: schedule.timezone },
    action,
    policies: { overlap: OVERLAP[schedule.overlap], catchupWindow: schedule.catchupWindowMs, pauseOnFailure: false },
    state: { paused: schedule.paused, ...(schedule.paused ? { note: `paused in ${managedBy === 'config' ? 'config' : 'its definition'}` } : {}) },
    memo: { [MEMO_KEY]: memo },
  };
}

/** Retention prunes `tables` (every job table of the config), whichever backend's worker runs it. */
export function retentionScheduleOptions(retention: RetentionConfig, placement: SchedulePlacement, tables: string[]): ScheduleOptions {
  const memo: ScheduleMemo = { managedBy: 'config', name: RETENTION_SCHEDULE_NAME, kind: 'retention', deployment: placement.deployment };
  const action: StartWorkflowAction = {
    type: 'startWorkflow',
    workflowType: 'pruneOldJobs',
    workflowId: 'retention',
    taskQueue: placement.taskQueue,
    args: [{ olderThanMs: retention.olderThanMs, tables }] as never,
    memo: { configHash: configHash({ retention, placement, tables, priority: RETENTION_PRIORITY }), definition: retention },
    staticSummary: `delete finished jobs older than ${Math.round(retention.olderThanMs / 60_000)} min`,
    // Never urgent: it yields the backend's slots to every job.
    priority: { priorityKey: RETENTION_PRIORITY },
  };
  return {
    scheduleId: RETENTION_SCHEDULE_ID,
    spec: { intervals: [{ every: retention.everyMs }] },
    action,
    // A missed pass is made up by the next one.
    policies: { overlap: ScheduleOverlapPolicy.SKIP, catchupWindow: 60_000 },
    state: { paused: false },
    memo: { [MEMO_KEY]: memo },
  };
}

/** What `handle.update` takes: the options without the id and the schedule memo (fixed at creation). */
export function asUpdate(options: ScheduleOptions) {
  const { scheduleId: _id, memo: _memo, state, ...rest } = options;
  return { ...rest, state: { paused: state?.paused ?? false, ...(state?.note ? { note: state.note } : {}) } };
}
