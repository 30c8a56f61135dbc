// One workflow per job enqueue (v2): wait until due, then up to max_retries + 1 attempts,
// each ONE activity (claim, POST, record the outcome), with the backoff waits as durable
// timers in between. Deterministic: no I/O here, activity types only, timers for clocks.
// Its history stays bounded: past CONTINUE_AS_NEW_AT_EVENTS (or the input's test threshold) it
// continues as a new run of the same workflow id, carrying the attempt count and the next due
// time (errors live on the row). The threshold is read from the input, which every replay sees
// unchanged: runs started without the field keep the default, so it needs no patched().
import {
  ActivityCancellationType,
  ApplicationFailure,
  CancellationScope,
  CancelledFailure,
  continueAsNew,
  isCancellation,
  patched,
  proxyActivities,
  proxyLocalActivities,
  setCurrentDetails,
  sleep,
  upsertSearchAttributes,
  workflowInfo,
} from '@temporalio/workflow';
import type { AttemptOutcome, JobActivities } from '../../core/activityContract.js';
import type { JobErrorEntry, JobStatus, JobWorkflowInput, JobWorkflowResult } from '../../core/interfaces.js';
import { JOB_STATUS } from '../../core/searchAttributes.js';
import { inSpan, recordSpan } from './spans.js';

/** A run continues as new once its history has this many events (Temporal's hard limit is 50,000). */
export const CONTINUE_AS_NEW_AT_EVENTS = 2_000;

/** patched() id: runs started before it time their backoff from the workflow task instead. */
const BACKOFF_FROM_ANSWER = 'backoff-from-backend-answer';

/** Over the HTTP timeout, for the activity as a whole: claim, body, outcome write (with its retries). */
const ATTEMPT_SLACK_MS = 60_000;

/** patched() id: runs started before it mirror a kill with a regular activity instead. */
const MIRROR_KILL_LOCALLY = 'mirror-kill-locally';

const MIRROR_OPTIONS = {
  startToCloseTimeout: '30s',
  retry: { initialInterval: '200ms', backoffCoefficient: 2, maximumInterval: '10s' },
} as const;
const mirror = proxyActivities<JobActivities>(MIRROR_OPTIONS);
// A row write only: as a local activity it runs at once on this worker, in its own slots,
// instead of queueing behind the backend's HTTP calls (with concurrency 1 and two 12 s calls
// waiting, a killed job stayed `processing`, and kill() waited, for 25 s).
const mirrorLocally = proxyLocalActivities<JobActivities>(MIRROR_OPTIONS);

export async function runJob(input: JobWorkflowInput): Promise<JobWorkflowResult> {
  const maxAttempts = input.maxRetries + 1;
  let attempt = input.resume?.attempt ?? 1;
  let dueAtMs = input.resume?.dueAtMs ?? input.dueAtMs;
  let inFlight = false;
  let plannedWaitMs: number | undefined;

  // A delayed job's wait begins with Temporal's start delay, before this code first runs: its
  // span starts with the workflow (one span, also when a kill wakes the workflow early).
  const startedMs = workflowInfo().startTime.getTime();
  const delaySpanFromMs = !input.resume && input.dueAtMs > startedMs ? startedMs : undefined;
  try {
    for (;;) {
      if (historyIsLarge(input.continueAsNewAtEvents ?? CONTINUE_AS_NEW_AT_EVENTS)) {
        await continueAsNew<typeof runJob>({ ...input, resume: { attempt, dueAtMs } });
      }
      const firstWait = attempt === 1;
      await waitUntil(
        dueAtMs,
        firstWait ? 'delay' : `${input.retryStrategy} backoff before retry ${attempt - 1}`,
        { name: firstWait ? 'delay' : 'backoff', ...(firstWait && delaySpanFromMs !== undefined ? { fromMs: delaySpanFromMs } : {}) },
        plannedWaitMs,
      );

      setStatus('processing');
      setCurrentDetails(`attempt ${attempt} of ${maxAttempts}: POST ${input.path}`);
      inFlight = true;
      const attemptNumber = attempt;
      const outcome = await inSpan(`attempt ${attempt}`, { 'spooky.job_id': input.jobId, 'spooky.attempt': attempt }, () =>
        attemptActivity(input, attemptNumber).runAttempt({
          jobId: input.jobId,
          table: input.table,
          run: input.run,
          backend: input.backend,
          path: input.path,
          payload: input.payload,
          idempotencyKey: input.idempotencyKey,
          timeoutMs: input.timeoutMs,
          attempt,
          maxAttempts,
          retryStrategy: input.retryStrategy,
          backoffBaseMs: input.backoffBaseMs,
          backoffMaxMs: input.backoffMaxMs,
        }),
      );
      inFlight = false;

      const next = settle(input, attempt, maxAttempts, outcome);
      if (next.done) return next.result;
      // The backoff runs from the backend's answer (as the backend sees it), not from this
      // workflow task, which comes after the outcome write and the activity's completion.
      dueAtMs = next.retryAtMs !== undefined && patched(BACKOFF_FROM_ANSWER) ? next.retryAtMs : Date.now() + next.waitMs;
      plannedWaitMs = next.waitMs;
      attempt++;
    }
  } catch (err) {
    // A kill whose attempt's worker died: the activity times out instead of being cancelled.
    const killed = isCancellation(err) || CancellationScope.current().consideredCancelled;
    if (killed) {
      // Killed: mirror it even though this scope is cancelled, then end as Canceled.
      const at = new Date(Date.now()).toISOString();
      const error: JobErrorEntry = inFlight
        ? { code: 'cancelled', reason: 'killed by operator while the request was in flight', attempt, at }
        : { code: 'killed', reason: 'killed by operator', attempt, at };
      const killed = { jobId: input.jobId, table: input.table, run: input.run, error };
      await CancellationScope.nonCancellable(() =>
        patched(MIRROR_KILL_LOCALLY) ? mirrorLocally.markKilled(killed) : mirror.markKilled(killed),
      );
      setStatus('failed');
      if (!isCancellation(err)) throw new CancelledFailure('killed by operator');
    }
    throw err;
  }
}

/** What an attempt's outcome means for the workflow: the end (result or failure), or a wait. */
function settle(
  input: JobWorkflowInput,
  attempt: number,
  maxAttempts: number,
  outcome: AttemptOutcome,
): { done: true; result: JobWorkflowResult } | { done: false; waitMs: number; retryAtMs?: number } {
  switch (outcome.kind) {
    case 'success':
      setStatus('success');
      setCurrentDetails(`succeeded on attempt ${attempt} of ${maxAttempts}`);
      return { done: true, result: { status: 'success', attempts: attempt, result: outcome.result } };
    case 'fenced':
      // Killed or finished by someone else: the backend was not called.
      setStatus(outcome.rowStatus);
      setCurrentDetails(`stopped before attempt ${attempt}: the job is ${outcome.rowStatus}`);
      return { done: true, result: { status: 'fenced', attempts: attempt - 1, rowStatus: outcome.rowStatus } };
    case 'retry':
      setStatus('pending');
      setCurrentDetails(
        `attempt ${attempt} failed ([${outcome.error.code}] ${outcome.error.reason}); retry ${attempt} in ${outcome.waitMs} ms`,
      );
      return { done: false, waitMs: outcome.waitMs, retryAtMs: outcome.retryAtMs };
    case 'failed': {
      const { error } = outcome;
      setStatus('failed');
      setCurrentDetails(`failed on attempt ${attempt}: [${error.code}] ${error.reason}`);
      const why = outcome.retryable ? `no retries left (max_retries ${input.maxRetries})` : 'not retryable';
      throw ApplicationFailure.create({
        type: 'JobFailed',
        message: `job ${input.jobId} failed on attempt ${attempt} of ${maxAttempts}, ${why}: [${error.code}] ${error.reason}`,
        nonRetryable: true,
        details: [error],
      });
    }
  }
}

/**
 * The attempt's activity. A worker that dies or hangs during it stops heartbeating, and
 * Temporal runs the same attempt again on another worker: it is not counted as a failed
 * attempt, and its keyed writes make the repeat safe.
 */
function attemptActivity(input: JobWorkflowInput, attempt: number) {
  return proxyActivities<JobActivities>({
    startToCloseTimeout: input.timeoutMs + ATTEMPT_SLACK_MS,
    heartbeatTimeout: '5s',
    retry: { initialInterval: '200ms', backoffCoefficient: 2, maximumInterval: '5s' },
    // Wait for the aborted request to settle, so `cancelled` is written after it really stopped.
    cancellationType: ActivityCancellationType.WAIT_CANCELLATION_COMPLETED,
    summary: `POST ${input.path} (attempt ${attempt})`,
  });
}

/**
 * Sleeps until `dueAtMs`; the label names the planned wait (the timer may be shorter: it starts
 * later). Its span starts at `span.fromMs` when the wait began before this code ran.
 */
async function waitUntil(dueAtMs: number, what: string, span: { name: string; fromMs?: number }, plannedMs?: number): Promise<void> {
  const waitMs = dueAtMs - Date.now();
  const until = new Date(dueAtMs).toISOString();
  const attributes = { 'spooky.wait_ms': plannedMs ?? dueAtMs - (span.fromMs ?? Date.now()), 'spooky.until': until };
  if (waitMs <= 0) {
    if (span.fromMs !== undefined) recordSpan(`wait: ${span.name}`, attributes, span.fromMs, Date.now());
    return;
  }
  setCurrentDetails(`${what}: waiting until ${until}`);
  await inSpan(`wait: ${span.name}`, attributes, () => sleep(waitMs, { summary: `${what} (${plannedMs ?? waitMs} ms, until ${until})` }), span.fromMs);
}

function historyIsLarge(atEvents: number): boolean {
  const info = workflowInfo();
  return info.historyLength >= atEvents || info.continueAsNewSuggested;
}

function setStatus(status: JobStatus | string): void {
  upsertSearchAttributes([{ key: JOB_STATUS, value: status }]);
}
