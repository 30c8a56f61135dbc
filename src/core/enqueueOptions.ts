// What an enqueue may ask for beyond the payload, and the checks of its scheduling options
// (priority, queue, fairness key). Pure: the API, the builder, config and the CLI share them.
import type { RetryStrategy } from './interfaces.js';

export const PRIORITY_NAMES = { critical: 1, high: 2, normal: 3, low: 4 } as const;
export type PriorityName = keyof typeof PRIORITY_NAMES;
/** A name, or 1 (first) … 5 (last); `normal` = 3. */
export type Priority = PriorityName | 1 | 2 | 3 | 4 | 5;

/** 1 … 5 from a priority name or number; throws a RangeError naming what is accepted. */
export function priorityLevel(priority: Priority | string | number): number {
  if (typeof priority === 'string' && priority in PRIORITY_NAMES) return PRIORITY_NAMES[priority as PriorityName];
  if (typeof priority === 'number' && Number.isInteger(priority) && priority >= 1 && priority <= 5) return priority;
  throw new RangeError(`unknown priority ${JSON.stringify(priority)}: expected critical, high, normal, low, or a number from 1 (first) to 5 (last)`);
}

/** Queue names end up in task queue names and logs: keep them plain. */
export function checkQueueName(name: string): void {
  if (typeof name !== 'string' || !/^[A-Za-z0-9][A-Za-z0-9_.-]{0,99}$/.test(name)) {
    throw new RangeError(`queue name ${JSON.stringify(name)}: expected 1–100 letters, digits, '_', '.' or '-', starting with a letter or digit`);
  }
}

/** Fairness keys name a tenant; a long one is hashed to Temporal's 64 bytes by the bridge. */
export function checkFairnessKey(key: string): void {
  if (typeof key !== 'string' || key.length < 1 || key.length > 255) {
    throw new RangeError(`fairness key ${JSON.stringify(key)}: expected 1–255 characters, e.g. a tenant id`);
  }
}

export interface EnqueueOptions {
  /** Record to link the job to (Sp00ky's `assignedTo`), e.g. `thread:abc`. */
  assignedTo?: string;
  /** Retries after the first attempt (default 3): attempts = max_retries + 1. */
  maxRetries?: number;
  retryStrategy?: RetryStrategy;
  /** Per-job HTTP timeout in seconds; used only if the backend has timeoutOverridable. */
  timeout?: number;
  /** Milliseconds the job stays pending before it runs. */
  delay?: number;
  /**
   * At most one job per (table, key): enqueueing a key that exists returns the existing job.
   * Sent to the backend as `Idempotency-Key` (default: the job's workflow id). 1–255 characters.
   */
  idempotencyKey?: string;
  /** critical, high, normal (default), low, or 1 (first) … 5 (last): Temporal's task priority. */
  priority?: Priority;
  /** A named queue (default `default`): only runners serving it take the job. */
  queue?: string;
  /** The tenant this job is fair to (default: assignedTo); at most 255 characters. */
  fairnessKey?: string;
}
