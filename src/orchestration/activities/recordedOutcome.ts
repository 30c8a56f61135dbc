// Reads a refused keyed write: did this very attempt already record its outcome (the
// activity is a repeat after a crash, on this or another worker), or did the job move on
// (killed, finished, re-enqueued) so that this attempt must stop? Pure, unit-tested.
import type { JobErrorEntry } from '../../core/interfaces.js';
import type { AttemptKey } from '../../adapters/sql/attemptKey.js';
import type { AttemptRowState } from '../../adapters/sql/readAttemptState.js';

export type RecordedOutcome =
  | { kind: 'success'; result: unknown }
  | { kind: 'retry'; error?: JobErrorEntry }
  | { kind: 'failed'; error?: JobErrorEntry }
  | { kind: 'fenced'; rowStatus: string }
  /** This attempt holds the claim, and a kill was requested: the attempt must end the job as killed. */
  | { kind: 'kill-requested' };

const KILL_CODES = new Set<unknown>(['killed', 'cancelled']);

export function recordedOutcome(state: AttemptRowState | undefined, key: AttemptKey): RecordedOutcome {
  if (!state) return { kind: 'fenced', rowStatus: 'deleted' };
  const fenced = { kind: 'fenced', rowStatus: state.status } as const;
  if (key.run !== undefined && state.run !== undefined && state.run !== key.run) return fenced;
  const prior = key.attempt - 1;
  const lastError = asErrorEntry(state.lastError);
  if (state.status === 'processing' && state.retries === prior && state.killRequested) return { kind: 'kill-requested' };
  if (state.status === 'success' && state.retries === prior) return { kind: 'success', result: state.result ?? null };
  // scheduleRetry of attempt A leaves the row pending with retries = A (nothing else does).
  if (state.status === 'pending' && state.retries === key.attempt) {
    return lastError?.attempt === key.attempt ? { kind: 'retry', error: lastError } : { kind: 'retry' };
  }
  if (state.status === 'failed' && state.retries === prior && !state.killRequested) {
    if (!lastError) return { kind: 'failed' }; // a seed-defined table cannot store errors
    if (lastError.attempt === key.attempt && !KILL_CODES.has(lastError.code)) return { kind: 'failed', error: lastError };
  }
  return fenced;
}

function asErrorEntry(value: unknown): JobErrorEntry | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const e = value as Partial<JobErrorEntry>;
  if (e.code === undefined) return undefined;
  return { code: e.code, reason: String(e.reason ?? ''), attempt: Number(e.attempt ?? 0), at: String(e.at ?? '') };
}
