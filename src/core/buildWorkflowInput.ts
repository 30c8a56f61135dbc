// From a pending row to the workflow's input, or the reason the row cannot run.
// Everything a job needs is decided here, once: the workflow never reads the row.
import type { Priority } from '@temporalio/common';
import type { BackendConfig, JobRow, JobWorkflowInput } from './interfaces.js';
import { decodePayload } from './payload.js';
import { workflowIdFor } from './workflowId.js';
import { taskQueueFor } from './taskQueues.js';
import { taskPriorityFor } from './taskPriority.js';
import { jobRequestProblem } from './jobLimits.js';
import { encodeHeaderValue } from './headerValue.js';

export type BuiltInput =
  | { ok: true; input: JobWorkflowInput; workflowId: string; taskQueue: string; priority: Priority }
  | { ok: false; reason: string };

/** What building an input needs from the configured backends (the config's BackendRegistry). */
export interface BackendLookup {
  byTable(table: string): BackendConfig | undefined;
  /** Throws, saying why, when the backend does not declare the path. */
  assertDeclaredPath(backend: string, path: string): void;
  validatePayload(backend: string, path: string, payload: unknown): { ok: true } | { ok: false; reason: string };
  /** Test hooks; unset in production. */
  readonly workflowInputHooks: { continueAsNewAtEvents?: number };
}

export function buildWorkflowInput(row: JobRow, registry: BackendLookup): BuiltInput {
  const backend = registry.byTable(row.table);
  if (!backend) {
    return {
      ok: false,
      reason: `no backend is configured for table ${row.table}: give a backend app method.table: ${row.table} in sp00ky.yml`,
    };
  }
  try {
    registry.assertDeclaredPath(backend.name, row.path);
  } catch (error) {
    return { ok: false, reason: (error as Error).message };
  }
  const payload = decodePayload(row.payload);
  // The same check as enqueue's, before the schema check (no need to validate 5 MB first).
  const problem = jobRequestProblem(
    { payload, maxRetries: row.maxRetries, delayMs: row.delayMs, timeoutSeconds: row.timeoutSeconds, idempotencyKey: row.idempotencyKey },
    backend,
  );
  if (problem) return { ok: false, reason: problem.reason };
  const check = registry.validatePayload(backend.name, row.path, payload);
  if (!check.ok) {
    return { ok: false, reason: `payload does not match the request schema of POST ${row.path}: ${check.reason}` };
  }
  // Sp00ky semantics: a row's timeout counts only when the backend allows overriding it.
  const timeoutSeconds =
    backend.timeoutOverridable && row.timeoutSeconds !== undefined ? row.timeoutSeconds : backend.timeoutSeconds;
  const workflowId = workflowIdFor(row.id, row.run);
  const { continueAsNewAtEvents } = registry.workflowInputHooks;
  return {
    ok: true,
    workflowId,
    taskQueue: taskQueueFor(backend, row.queue),
    priority: taskPriorityFor(row),
    input: {
      jobId: row.id,
      table: row.table,
      backend: backend.name,
      path: row.path,
      payload,
      dueAtMs: row.createdAt.getTime() + row.delayMs,
      maxRetries: row.maxRetries,
      retryStrategy: row.retryStrategy,
      timeoutMs: timeoutSeconds * 1000,
      backoffBaseMs: backend.backoffBaseMs,
      backoffMaxMs: backend.backoffMaxMs,
      idempotencyKey: idempotencyKeyFor(row, workflowId),
      run: row.run,
      // Only when a test set it: production inputs stay as they were.
      ...(continueAsNewAtEvents !== undefined && { continueAsNewAtEvents }),
    },
  };
}

/**
 * The enqueuer's key when it gave one (with `~retry-N` for each re-run, as the workflow id
 * has, so a re-run is not answered from the backend's record of the first), else the workflow id,
 * made a valid header value (a row id may hold any character). The enqueuer's key is plain
 * printable ASCII (checked above), sent exactly as written.
 */
function idempotencyKeyFor(row: JobRow, workflowId: string): string {
  if (!row.idempotencyKey) return encodeHeaderValue(workflowId);
  return row.run <= 1 ? row.idempotencyKey : `${row.idempotencyKey}~retry-${row.run - 1}`;
}
