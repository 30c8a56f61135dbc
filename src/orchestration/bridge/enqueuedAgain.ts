// Whether a pending row was enqueued again after its newest run closed (rather than orphaned by it).
import type { JobRow } from '../../core/interfaces.js';
import { closedAfterWritingRow, type JobRunState } from '../../adapters/temporal/latestJobRun.js';

/** True when that run wrote the row's end itself before closing, or the row was written after it closed. */
export function enqueuedAgainSince(latest: JobRunState, row: JobRow): boolean {
  return closedAfterWritingRow(latest.status) || isNewerThan(row.updatedAt, latest.closedAt);
}

function isNewerThan(updatedAt: Date | undefined, closedAt: Date | undefined): boolean {
  return updatedAt !== undefined && closedAt !== undefined && updatedAt.getTime() > closedAt.getTime();
}
