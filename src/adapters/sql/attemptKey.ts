// Every row write of a job is keyed by its enqueue (`run`) and its attempt, never by the
// worker that makes it: Temporal may retry an activity on any worker, and the repeat must
// succeed there, while a write for an older run or attempt must change nothing.
import type { TableShape } from '../db/tableShape.js';

export interface AttemptKey {
  jobId: string;
  /** The enqueue the write belongs to; left out by v1 workflows, which did not send it. */
  run?: number;
  /** 1-based attempt number. While attempt A runs, the row's `retries` is A - 1. */
  attempt: number;
}

/**
 * `AND ...` conditions that pin a write to the key's run and, with `unlessKilled`, to a job
 * nobody asked to kill (a claim, or a move back to pending: a killed job must not run again;
 * a success or failure that already happened is recorded as it happened).
 * A table without `run` (the seed's) cannot tell runs apart; without `kill_requested_at` a
 * kill in flight is carried by the workflow's cancellation alone.
 */
export function runAndKillConditions(shape: TableShape, key: { run?: number }, unlessKilled: boolean): string {
  const parts: string[] = [];
  if (key.run !== undefined && shape.has('run')) parts.push('(run ?? 1) = $run');
  if (unlessKilled && shape.has('kill_requested_at')) parts.push('kill_requested_at = NONE');
  return parts.map((part) => ` AND ${part}`).join('');
}

/** Query variables for a key. */
export function keyVars(key: AttemptKey): { run: number | undefined; prior: number } {
  return { run: key.run, prior: key.attempt - 1 };
}
