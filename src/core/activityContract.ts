// The contract between the workflows and the activities: what each activity takes and returns.
// Types only, so workflow code can import it without pulling any I/O into its sandbox;
// `createActivities` is checked against it.
import type { Priority } from '@temporalio/common';
import type { JobErrorEntry, JobWorkflowInput, RetryStrategy } from './interfaces.js';
import type { AttemptDecision, RetryRules } from './decideOutcome.js';

/** One HTTP call of one attempt. */
export interface CallBackendInput {
  jobId: string;
  backend: string;
  path: string;
  payload: unknown;
  attempt: number;
  idempotencyKey: string;
  timeoutMs: number;
}

export type CallBackendOutcome =
  | { ok: true; status: number; result: unknown }
  | { ok: false; code: number | 'timeout' | 'invalid'; reason: string; retryable: boolean; retryAfterMs?: number };

/** One whole attempt: claim, POST, record the outcome. */
export interface AttemptInput extends RetryRules {
  jobId: string;
  table: string;
  run: number;
  backend: string;
  path: string;
  payload: unknown;
  idempotencyKey: string;
  timeoutMs: number;
}

export type AttemptOutcome =
  | (AttemptDecision & { repeated?: true })
  | { kind: 'fenced'; rowStatus: string };

/** What a schedule enqueues on each slot (the schedule action's argument). */
export interface ScheduledJobSpec {
  schedule: string;
  table: string;
  path: string;
  payload: unknown;
  maxRetries: number;
  retryStrategy: RetryStrategy;
  priority?: number;
  queue?: string;
  fairnessKey?: string;
}

export type ScheduledJobPrepared =
  | { ok: true; jobId: string; created: boolean; workflowId: string; taskQueue: string; input: JobWorkflowInput; priority: Priority }
  | { ok: false; jobId: string; reason: string };

/** A v1 activity's job reference. */
export interface JobRef {
  jobId: string;
  table: string;
}

export type ClaimResult = { claimed: true } | { claimed: false; status: string };

export interface JobActivities {
  runAttempt(input: AttemptInput): Promise<AttemptOutcome>;
  /** Mirrors a kill (workflow cancelled) to the row of this run, whatever attempt it was at. */
  markKilled(args: { jobId: string; table: string; run: number; error: JobErrorEntry }): Promise<boolean>;
  /** The slot's row (created now, or found from an earlier try) and the input of its job workflow. */
  enqueueScheduledJob(args: { spec: ScheduledJobSpec; slotMs: number }): Promise<ScheduledJobPrepared>;
  /** One short step of retention: at most `maxBatches` DELETE batches against a cutoff the workflow fixed once. */
  pruneOldJobsStep(args: { cutoffMs: number; tables?: string[]; maxBatches: number }): Promise<{ counts: Record<string, number>; complete: boolean }>;
  /** Retention in one activity (runs started before local steps). */
  pruneOldJobs(args: { olderThanMs: number; tables?: string[] }): Promise<Record<string, number>>;
  // v1 (`jobWorkflow`): runs started before the upgrade still call these.
  claimJob(args: JobRef & { retries: number; attempt: number }): Promise<ClaimResult>;
  completeJob(args: JobRef & { result: unknown; attempt: number }): Promise<boolean>;
  scheduleRetry(args: JobRef & { error: JobErrorEntry; retries: number; waitMs: number }): Promise<boolean>;
  failJob(args: JobRef & { error: JobErrorEntry }): Promise<boolean>;
  callBackend(input: CallBackendInput): Promise<CallBackendOutcome>;
}
