// One attempt of a job, as one activity: claim the row (the fence: a killed or finished job
// is never called), POST to the backend, record the outcome. Safe to repeat on any worker:
// every write is keyed by run and attempt, so a repeat after a crash either finds its own
// claim and calls again (same Idempotency-Key: at-least-once delivery), or finds its own
// outcome already recorded and returns it without calling.
import type { Surreal } from 'surrealdb';
import type { BackendConfig, JobErrorEntry } from '../../core/interfaces.js';
import type { TableShape } from '../../adapters/db/tableShape.js';
import type { JobEvents } from '../../core/jobEvents.js';
import type { AttemptKey } from '../../adapters/sql/attemptKey.js';
import { claimJobRow } from '../../adapters/sql/claimJob.js';
import { completeJob } from '../../adapters/sql/completeJob.js';
import { scheduleRetry } from '../../adapters/sql/scheduleRetry.js';
import { failJob } from '../../adapters/sql/failJob.js';
import { readAttemptState } from '../../adapters/sql/readAttemptState.js';
import { callBackend } from '../../adapters/http/callBackend.js';
import { withClientSpan } from '../../adapters/tracing/clientSpan.js';
import type { Tracer } from '@opentelemetry/api';
import type { AttemptInput, AttemptOutcome, CallBackendInput, CallBackendOutcome } from '../../core/activityContract.js';
import { decideOutcome, waitBeforeRetry, type AttemptDecision } from '../../core/decideOutcome.js';
import { recordedOutcome } from './recordedOutcome.js';
import { withHeartbeats } from './heartbeats.js';
import { shieldFromCancellation } from './activitySignal.js';
import { keepDecision, keptDecision, type AttemptCheckpoint } from './attemptCheckpoint.js';
import type { Logger } from 'pino';

export interface AttemptDeps {
  db: () => Surreal;
  shapeOf: (table: string) => Promise<TableShape>;
  identity: string;
  events: JobEvents;
  /** The HTTP call; `undefined` backend = not configured on this worker. */
  call: (backend: BackendConfig | undefined, input: CallBackendInput) => Promise<CallBackendOutcome>;
  backends: ReadonlyMap<string, BackendConfig>;
  /** Says why an outcome could not be recorded (the step is retried by Temporal meanwhile). */
  logger?: Logger;
}

/** Row writes after the call are retried in place, so a database hiccup does not repeat the call. */
const WRITE_TRIES = 8;

export function runAttempt(deps: AttemptDeps, input: AttemptInput): Promise<AttemptOutcome> {
  let checkpoint: AttemptCheckpoint | undefined;
  return withHeartbeats(async () => {
    const shape = await deps.shapeOf(input.table);
    const key: AttemptKey = { jobId: input.jobId, run: input.run, attempt: input.attempt };
    const kept = keptDecision(key);
    if (kept) {
      // An earlier try of this attempt got the backend's answer but could not record it.
      checkpoint = { run: input.run, attempt: input.attempt, decision: kept };
      return await shieldFromCancellation(() => recordDecision(deps, shape, key, input, kept));
    }
    const claimed = await claimJobRow(deps.db(), shape, { key, assignee: deps.identity });
    if (!claimed) return await repeatOrFence(deps, key, input);
    // The row's times ride on the event, so a worker-only process measures end to end and lateness itself.
    deps.events.publish({ jobId: input.jobId, status: 'processing', attempt: input.attempt, ...jobPlace(input), ...claimed });

    const call = await deps.call(deps.backends.get(input.backend), {
      jobId: input.jobId,
      backend: input.backend,
      path: input.path,
      payload: input.payload,
      attempt: input.attempt,
      idempotencyKey: input.idempotencyKey,
      timeoutMs: input.timeoutMs,
    });
    const decision = decideOutcome(call, input, new Date());
    // Periodic heartbeats carry it from now on; a failed write sends it at once (see recordDecision).
    checkpoint = { run: input.run, attempt: input.attempt, decision };
    // The backend answered: record it even if a kill arrives meanwhile (a 2xx wins over a late kill).
    return await shieldFromCancellation(() => recordDecision(deps, shape, key, input, decision));
  }, () => checkpoint);
}

async function recordDecision(deps: AttemptDeps, shape: TableShape, key: AttemptKey, input: AttemptInput, decision: AttemptDecision): Promise<AttemptOutcome> {
  let written: boolean;
  try {
    // No heartbeat when the write works at once (each is a server write); a refused write sends the
    // answer to Temporal right away, so a retry of this step records it instead of calling again.
    written = await withWriteRetries(
      () => record(deps.db(), shape, key, decision),
      () => keepDecision({ run: input.run, attempt: input.attempt, decision }),
    );
  } catch (error) {
    deps.logger?.error(
      { jobId: key.jobId, run: key.run, attempt: key.attempt, outcome: decision.kind, reason: (error as Error).message?.split('\n')[0] },
      `the database refused to record the outcome of ${key.jobId} (attempt ${key.attempt}, ${decision.kind}); ` +
        'Temporal retries this step, and the backend is not called again: the answer is kept until the write succeeds',
    );
    throw error;
  }
  if (!written) return await repeatOrFence(deps, key, input); // killed (or repeated) while the call ran
  publishOutcome(deps.events, input, decision);
  return decision;
}

function record(db: Surreal, shape: TableShape, key: AttemptKey, decision: AttemptDecision): Promise<boolean> {
  switch (decision.kind) {
    case 'success':
      return completeJob(db, shape, { key, result: decision.result });
    case 'retry':
      return scheduleRetry(db, shape, { key, error: decision.error });
    case 'failed':
      return failJob(db, shape, { jobId: key.jobId, error: decision.error, from: ['processing'], run: key.run, attempt: key.attempt });
  }
}

async function repeatOrFence(deps: AttemptDeps, key: AttemptKey, input: AttemptInput): Promise<AttemptOutcome> {
  const recorded = recordedOutcome(await readAttemptState(deps.db(), key.jobId), key);
  const fallbackError = (): JobErrorEntry => ({
    code: 0,
    reason: 'recorded by an earlier run of this attempt (the table keeps no error entries)',
    attempt: key.attempt,
    at: new Date().toISOString(),
  });
  switch (recorded.kind) {
    case 'success':
      return { kind: 'success', httpStatus: 200, result: recorded.result, repeated: true };
    case 'retry': {
      const error = recorded.error ?? fallbackError();
      const waitMs = waitBeforeRetry(input);
      // The wait counts from the recorded failure, as it did for the run that wrote it.
      const failedAt = Date.parse(error.at);
      return { kind: 'retry', error, waitMs, retryAtMs: (Number.isNaN(failedAt) ? Date.now() : failedAt) + waitMs, repeated: true };
    }
    case 'failed':
      return { kind: 'failed', error: recorded.error ?? fallbackError(), retryable: false, repeated: true };
    case 'fenced':
      return recorded;
    case 'kill-requested': {
      const error: JobErrorEntry = {
        code: 'cancelled',
        reason: 'killed by operator while the request was in flight',
        attempt: key.attempt,
        at: new Date().toISOString(),
      };
      const shape = await deps.shapeOf(input.table);
      if (await failJob(deps.db(), shape, { jobId: key.jobId, error, from: ['processing'], run: key.run, attempt: key.attempt })) {
        deps.events.publish({ jobId: key.jobId, status: 'failed', attempt: key.attempt, error, ...jobPlace(input) });
      }
      return { kind: 'fenced', rowStatus: 'failed' };
    }
  }
}

async function withWriteRetries(write: () => Promise<boolean>, onFirstFailure: () => void): Promise<boolean> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await write();
    } catch (error) {
      if (attempt === 1) onFirstFailure();
      if (attempt >= WRITE_TRIES) throw error;
      await new Promise((resolve) => setTimeout(resolve, Math.min(100 * 2 ** attempt, 3_000)));
    }
  }
}

function publishOutcome(events: JobEvents, input: AttemptInput, decision: AttemptDecision): void {
  if (decision.kind === 'success') {
    events.publish({ jobId: input.jobId, status: 'success', attempt: input.attempt, ...jobPlace(input) });
  } else if (decision.kind === 'retry') {
    events.publish({ jobId: input.jobId, status: 'pending', attempt: input.attempt, error: decision.error, nextAttemptInMs: decision.waitMs, ...jobPlace(input) });
  } else {
    events.publish({ jobId: input.jobId, status: 'failed', attempt: input.attempt, error: decision.error, ...jobPlace(input) });
  }
}

/** `callBackend` for a backend name that may not be configured on this worker. */
export function callConfiguredBackend(
  assertDeclaredPath: (backend: string, path: string) => void,
  drain?: AbortSignal,
  /** With tracing on: the call runs in a client span, and the backend gets its traceparent. */
  tracing?: { tracer: Tracer; route: (backend: string, path: string) => string },
): AttemptDeps['call'] {
  return (backend, input) =>
    backend
      ? withClientSpan(
          tracing?.tracer,
          { method: 'POST', route: tracing?.route(backend.name, input.path) ?? '', backend: backend.name, attempt: input.attempt },
          (traceHeaders) => callBackend(backend, (path) => assertDeclaredPath(backend.name, path), input, drain, traceHeaders),
          (outcome) =>
            outcome.ok ? { status: outcome.status } : { ...(typeof outcome.code === 'number' && outcome.code > 0 ? { status: outcome.code } : {}), failure: String(outcome.code) },
        )
      : Promise.resolve({
          ok: false,
          code: 'invalid',
          reason: `backend ${input.backend} is not configured on this worker: add it to sp00ky.yml or SPKY_JOB_CONFIG`,
          retryable: false,
        });
}

/** The event fields metrics label by, known from the attempt's input. */
function jobPlace(input: AttemptInput): { backend: string; table: string; path: string } {
  return { backend: input.backend, table: input.table, path: input.path };
}
