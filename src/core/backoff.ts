// Pure backoff arithmetic, shared by the workflow and its unit tests.
import type { RetryStrategy } from './interfaces.js';

/**
 * Wait before the next attempt, in ms.
 * `retriesSoFar` counts retries including the one being scheduled (1 for the first retry),
 * as in Sp00ky's runner: linear base·(n+1), exponential base·2^n, so with the default
 * base of 200 ms the first retry waits 400 ms under both strategies.
 */
export function backoffDelayMs(
  strategy: RetryStrategy,
  retriesSoFar: number,
  baseMs: number,
  maxMs: number,
): number {
  const n = Math.max(0, Math.floor(retriesSoFar));
  const raw = strategy === 'exponential' ? baseMs * 2 ** Math.min(n, 52) : baseMs * (n + 1);
  return Math.max(0, Math.min(raw, maxMs));
}

/** The wait actually used: the backend's Retry-After wins when it is longer, both capped. */
export function nextWaitMs(backoffMs: number, retryAfterMs: number | undefined, maxMs: number): number {
  const wanted = retryAfterMs !== undefined && retryAfterMs > backoffMs ? retryAfterMs : backoffMs;
  return Math.min(wanted, maxMs);
}
