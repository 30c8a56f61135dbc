// From one HTTP call's outcome to what the attempt records: success, a retry after a wait,
// or the end of the job. Pure, so the same rules hold in the activity and in unit tests.
import type { JobErrorEntry, RetryStrategy } from './interfaces.js';
import { backoffDelayMs, nextWaitMs } from './backoff.js';
import type { CallBackendOutcome } from './activityContract.js';

export interface RetryRules {
  attempt: number;
  maxAttempts: number;
  retryStrategy: RetryStrategy;
  backoffBaseMs: number;
  backoffMaxMs: number;
}

export type AttemptDecision =
  | { kind: 'success'; httpStatus: number; result: unknown }
  /** `retryAtMs`: when the backend answered plus the wait, so the wait is the gap the backend sees. */
  | { kind: 'retry'; error: JobErrorEntry; waitMs: number; retryAtMs: number }
  | { kind: 'failed'; error: JobErrorEntry; retryable: boolean };

export function decideOutcome(call: CallBackendOutcome, rules: RetryRules, now: Date): AttemptDecision {
  if (call.ok) return { kind: 'success', httpStatus: call.status, result: call.result };
  const error: JobErrorEntry = { code: call.code, reason: call.reason, attempt: rules.attempt, at: now.toISOString() };
  if (!call.retryable || rules.attempt >= rules.maxAttempts) return { kind: 'failed', error, retryable: call.retryable };
  const waitMs = waitBeforeRetry(rules, call.retryAfterMs);
  return { kind: 'retry', error, waitMs, retryAtMs: now.getTime() + waitMs };
}

/** The wait after attempt `rules.attempt`: the strategy's backoff, or a longer Retry-After, capped. */
export function waitBeforeRetry(rules: RetryRules, retryAfterMs?: number): number {
  return nextWaitMs(
    backoffDelayMs(rules.retryStrategy, rules.attempt, rules.backoffBaseMs, rules.backoffMaxMs),
    retryAfterMs,
    rules.backoffMaxMs,
  );
}
