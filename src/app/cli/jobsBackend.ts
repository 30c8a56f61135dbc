// What `jobs` commands show and print (`--json`): plain JSON views of jobs, stats and queues,
// dates as ISO strings. DirectJobs produces them; the formatters and the dashboard read them.
import type { JobRow, JobStatus, RetryStrategy } from '../../core/interfaces.js';
import type { ClearOptions, QueueStatus } from '../jobs/jobsClient.js';
import type { ExpiredJob } from '../../adapters/sql/pruneJobs.js';
import { decodePayload } from '../../core/payload.js';
import { workflowIdFor } from '../../core/workflowId.js';

export const JOB_STATUSES: readonly JobStatus[] = ['pending', 'processing', 'success', 'failed'];

/** A job row as the CLI shows and prints it (`--json`): plain JSON, dates as ISO strings. */
export type JobView = Omit<JobRow, 'createdAt' | 'updatedAt' | 'killRequestedAt'> & {
  /** The backend owning the table (`?` when the table is not configured). */
  backend: string;
  createdAt: string;
  updatedAt?: string;
  killRequestedAt?: string;
  /** Workflow id of the current enqueue (paste into the Temporal UI). */
  workflowId: string;
};

export interface JobStats {
  counts: Record<JobStatus, number>;
  total: number;
  /** Jobs that reached success in the last `windowMinutes`. */
  recentSuccesses: number;
  /** Jobs that reached failed in the last `windowMinutes`. */
  recentFailures: number;
  windowMinutes: number;
  /** created_at of the oldest pending job (ISO), if any. */
  oldestPendingAt?: string;
}

export interface ListOptions {
  status?: JobStatus;
  table?: string;
  /** Rows per table (default 200). */
  limit?: number;
}

export interface EnqueueRequest {
  backend: string;
  path: string;
  payload: unknown;
  delay?: number;
  maxRetries?: number;
  retryStrategy?: RetryStrategy;
  timeout?: number;
  assignedTo?: string;
  idempotencyKey?: string;
  /** critical, high, normal, low, or 1–5. */
  priority?: string | number;
  queue?: string;
  fairnessKey?: string;
}

export type { ClearOptions, ExpiredJob };

export interface ClearPreviewOptions {
  /** Only jobs that finished more than this many ms ago; omitted: every finished job. */
  olderThanMs?: number;
  /** Jobs listed per table (default 20; 0 lists none). Counts are never capped. */
  limit?: number;
}

/** What `clear` with the same options would delete; nothing is deleted. */
export interface ClearPreview {
  /** ISO time: jobs that finished before it would go. Absent without an age limit. */
  cutoff?: string;
  /** Per table, how many jobs a real run would delete. */
  wouldDelete: Record<string, number>;
  /** The first `limit` of them per table, oldest first. */
  jobs: ExpiredJob[];
}

/** A queue with pending jobs, as the CLI shows it (times as ISO strings). */
export type QueueView = Omit<QueueStatus, 'lastPollAt'> & { lastPollAt?: string };

export interface BackendInfo {
  /** What this backend talks to, for headers and messages (never with credentials). */
  target: string;
  tables: string[];
  backends: { name: string; table: string }[];
  temporalNamespace: string;
  /** Base URL of the Temporal Web UI, when known. */
  temporalUiUrl?: string;
}

export function toJobView(row: JobRow, backendOf: (table: string) => string | undefined): JobView {
  return {
    id: row.id,
    table: row.table,
    backend: backendOf(row.table) ?? '?',
    path: row.path,
    payload: decodePayload(row.payload),
    status: row.status,
    retries: row.retries,
    maxRetries: row.maxRetries,
    retryStrategy: row.retryStrategy,
    delayMs: row.delayMs,
    ...(row.timeoutSeconds !== undefined ? { timeoutSeconds: row.timeoutSeconds } : {}),
    ...(row.assignedTo !== undefined ? { assignedTo: row.assignedTo } : {}),
    ...(row.assignee !== undefined ? { assignee: row.assignee } : {}),
    ...(row.idempotencyKey !== undefined ? { idempotencyKey: row.idempotencyKey } : {}),
    ...(row.priority !== undefined ? { priority: row.priority } : {}),
    ...(row.queue !== undefined ? { queue: row.queue } : {}),
    ...(row.fairnessKey !== undefined ? { fairnessKey: row.fairnessKey } : {}),
    ...(row.schedule !== undefined ? { schedule: row.schedule } : {}),
    errors: row.errors,
    ...(row.result !== undefined ? { result: row.result } : {}),
    createdAt: row.createdAt.toISOString(),
    ...(row.updatedAt ? { updatedAt: row.updatedAt.toISOString() } : {}),
    run: row.run,
    ...(row.killRequestedAt ? { killRequestedAt: row.killRequestedAt.toISOString() } : {}),
    workflowId: workflowIdFor(row.id, row.run),
  };
}

/** `<ui>/namespaces/<ns>/workflows/<id>` — the job's current workflow in the Temporal Web UI. */
export function temporalUiLink(uiUrl: string, namespace: string, workflowId: string): string {
  return `${uiUrl.replace(/\/+$/, '')}/namespaces/${encodeURIComponent(namespace)}/workflows/${encodeURIComponent(workflowId)}`;
}
