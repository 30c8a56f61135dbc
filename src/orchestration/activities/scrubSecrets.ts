// Applies the secret scrubber where data leaves an activity: the backend's answer before it is
// recorded on the row or published as an event, and every activity's result and error before
// Temporal writes them into the workflow history.
import type { SecretScrubber } from '../../core/redactSecrets.js';
import type { CallBackendOutcome } from '../../core/activityContract.js';

/** A backend may echo our headers (the token) in its body: scrub the reason and the stored result. */
export function scrubOutcome(outcome: CallBackendOutcome, scrub: SecretScrubber): CallBackendOutcome {
  if (!scrub.active) return outcome;
  return outcome.ok ? { ...outcome, result: scrub.value(outcome.result) } : { ...outcome, reason: scrub.text(outcome.reason) };
}

/** The same error, its message, stack, details and causes scrubbed (Temporal serialises all of them). */
export function scrubError(error: unknown, scrub: SecretScrubber, depth = 0): unknown {
  if (!scrub.active || !(error instanceof Error) || depth > 10) return error;
  error.message = scrub.text(error.message);
  if (error.stack) error.stack = scrub.text(error.stack);
  const withDetails = error as Error & { details?: unknown };
  if (Array.isArray(withDetails.details)) {
    Object.defineProperty(error, 'details', { value: scrub.value(withDetails.details), configurable: true, writable: true, enumerable: true });
  }
  if (error.cause !== undefined) error.cause = scrubError(error.cause, scrub, depth + 1);
  return error;
}

/** Wraps each activity so that nothing it returns or throws carries a secret. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- activities take any arguments
export function scrubActivities<T extends Record<string, (...args: any[]) => Promise<unknown>>>(activities: T, scrub: SecretScrubber): T {
  if (!scrub.active) return activities;
  const wrapped: Record<string, unknown> = {};
  for (const [name, activity] of Object.entries(activities)) {
    wrapped[name] = async (...args: unknown[]) => {
      try {
        return scrub.value(await activity(...args));
      } catch (error) {
        throw scrubError(error, scrub);
      }
    };
  }
  return wrapped as T;
}
