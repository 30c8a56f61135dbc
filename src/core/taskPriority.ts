// A job's Temporal task priority: `priorityKey` from the row's priority (1 runs first, 3 is
// normal) and a fairness key from `fairness_key`, else `assigned_to`, so one tenant's backlog
// cannot starve another's: the server hands out tasks round-robin between keys. Activities
// inherit both from their workflow.
import { createHash } from 'node:crypto';
import type { Priority } from '@temporalio/common';
import type { JobRow } from './interfaces.js';

/** Temporal limits fairness keys to 64 bytes. */
export const FAIRNESS_KEY_MAX_BYTES = 64;

export function taskPriorityFor(row: Pick<JobRow, 'priority' | 'fairnessKey' | 'assignedTo'>): Priority {
  const key = row.fairnessKey ?? row.assignedTo;
  return {
    priorityKey: row.priority ?? 3,
    ...(key ? { fairnessKey: fitFairnessKey(key) } : {}),
  };
}

/** A longer key (a long record id) is shortened to a stable hash, so it still names one tenant. */
export function fitFairnessKey(key: string): string {
  if (Buffer.byteLength(key) <= FAIRNESS_KEY_MAX_BYTES) return key;
  const prefix = 'sha256:';
  return prefix + createHash('sha256').update(key).digest('hex').slice(0, FAIRNESS_KEY_MAX_BYTES - prefix.length);
}
