// v1 of the job workflow, frozen: runs started before the upgrade to `runJob` replay against
// this code, so it must not change. It used three activities per attempt.
// One workflow per job enqueue: wait until due, then attempt the HTTP call up to
// max_retries + 1 times, mirroring every state change to the row through activities.
// Deterministic: no I/O here, activity types only, timers instead of clocks.
import {
  ActivityCancellationType,
  ActivityFailure,
  ApplicationFailure,
  CancellationScope,
  TimeoutFailure,
  isCancellation,
  proxyActivities,
  setCurrentDetails,
  sleep,
  upsertSearchAttributes,
} from '@temporalio/workflow';
import type { JobActivities, CallBackendOutcome } from '../../core/activityContract.js';
import type { JobErrorEntry, JobStatus, JobWorkflowInput, JobWorkflowResult } from '../../core/interfaces.js';
import { backoffDelayMs, nextWaitMs } from '../../core/backoff.js';
import { JOB_STATUS } from '../../core/searchAttributes.js';

// Row writes: retried until the database answers; a job's state must not be lost.
const db = proxyActivities<JobActivities>({
  startToCloseTimeout: '30s',
  retry: { initialInterval: '200ms', backoffCoefficient: 2, maximumInterval: '10s' },
});

/** Slack over the HTTP timeout for the activity as a whole (reading the body, heartbeats). */
const HTTP_ACTIVITY_SLACK_MS = 15_000;

export async function jobWorkflow(input: JobWorkflowInput): Promise<JobWorkflowResult> {
  const maxAttempts = input.maxRetries + 1;
  let attempt = 0;
  let inFlight = false;
  const now = () => new Date(Date.now()).toISOString();

  try {
    const dueInMs = input.dueAtMs - Date.now();
    if (dueInMs > 0) {
      setCurrentDetails(`delayed until ${new Date(input.dueAtMs).toISOString()}`);
      await sleep(dueInMs, { summary: `delay until ${new Date(input.dueAtMs).toISOString()}` });
    }

    for (attempt = 1; attempt <= maxAttempts; attempt++) {
      const claim = await db.claimJob({ jobId: input.jobId, table: input.table, retries: attempt - 1, attempt });
      if (!claim.claimed) {
        // Killed or finished by someone else: the backend must not be called.
        setStatus(claim.status);
        return { status: 'fenced', attempts: attempt - 1, rowStatus: claim.status };
      }
      setStatus('processing');
      setCurrentDetails(`attempt ${attempt} of ${maxAttempts}: POST ${input.path}`);

      inFlight = true;
      const outcome = await attemptCall(input, attempt);
      inFlight = false;

      if (outcome.ok) {
        await db.completeJob({ jobId: input.jobId, table: input.table, result: outcome.result, attempt });
        setStatus('success');
        setCurrentDetails(`succeeded on attempt ${attempt} (HTTP ${outcome.status})`);
        return { status: 'success', attempts: attempt, result: outcome.result };
      }

      const error: JobErrorEntry = { code: outcome.code, reason: outcome.reason, attempt, at: now() };
      if (!outcome.retryable || attempt === maxAttempts) {
        await db.failJob({ jobId: input.jobId, table: input.table, error });
        setStatus('failed');
        const why = outcome.retryable ? `no retries left (max_retries ${input.maxRetries})` : 'not retryable';
        setCurrentDetails(`failed on attempt ${attempt}: [${error.code}] ${error.reason}`);
        throw ApplicationFailure.create({
          type: 'JobFailed',
          message: `job ${input.jobId} failed on attempt ${attempt} of ${maxAttempts}, ${why}: [${error.code}] ${error.reason}`,
          nonRetryable: true,
          details: [error],
        });
      }

      const waitMs = nextWaitMs(
        backoffDelayMs(input.retryStrategy, attempt, input.backoffBaseMs, input.backoffMaxMs),
        outcome.retryAfterMs,
        input.backoffMaxMs,
      );
      await db.scheduleRetry({ jobId: input.jobId, table: input.table, error, retries: attempt, waitMs });
      setStatus('pending');
      setCurrentDetails(`attempt ${attempt} failed ([${error.code}] ${error.reason}); retry ${attempt} in ${waitMs} ms`);
      await sleep(waitMs, { summary: `${input.retryStrategy} backoff before retry ${attempt}` });
    }
    throw new Error('unreachable: the attempt loop always returns or throws');
  } catch (err) {
    if (isCancellation(err)) {
      // Killed: mirror it even though this scope is cancelled, then end as Canceled.
      const error: JobErrorEntry = inFlight
        ? { code: 'cancelled', reason: 'killed by operator while the request was in flight', attempt, at: now() }
        : { code: 'killed', reason: 'killed by operator', attempt: Math.max(1, attempt), at: now() };
      await CancellationScope.nonCancellable(() => db.failJob({ jobId: input.jobId, table: input.table, error }));
      setStatus('failed');
    }
    throw err;
  }
}

/** One HTTP attempt; a worker that died or hung during it counts as a retryable timeout. */
async function attemptCall(input: JobWorkflowInput, attempt: number): Promise<CallBackendOutcome> {
  const http = proxyActivities<JobActivities>({
    startToCloseTimeout: input.timeoutMs + HTTP_ACTIVITY_SLACK_MS,
    heartbeatTimeout: '5s',
    retry: { maximumAttempts: 1 },
    // Wait for the aborted request to settle, so `cancelled` is written after it really stopped.
    cancellationType: ActivityCancellationType.WAIT_CANCELLATION_COMPLETED,
    summary: `POST ${input.path} (attempt ${attempt})`,
  });
  try {
    return await http.callBackend({
      jobId: input.jobId,
      backend: input.backend,
      path: input.path,
      payload: input.payload,
      attempt,
      idempotencyKey: input.idempotencyKey,
      timeoutMs: input.timeoutMs,
    });
  } catch (err) {
    if (isCancellation(err) || !(err instanceof ActivityFailure)) throw err;
    const timedOut = err.cause instanceof TimeoutFailure;
    return {
      ok: false,
      code: timedOut ? 'timeout' : 0,
      reason: timedOut ? 'the worker stopped answering during the call' : (err.cause?.message ?? err.message),
      retryable: true,
    };
  }
}

function setStatus(status: JobStatus | string): void {
  upsertSearchAttributes([{ key: JOB_STATUS, value: status }]);
}
