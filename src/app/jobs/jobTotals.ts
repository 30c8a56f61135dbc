// Counts over every job table: by status, the successes and failures of the last minutes, and
// the oldest pending job (what `jobs list` and the dashboard show in their footer).
import type { Surreal } from 'surrealdb';
import type { JobStatus } from '../../core/interfaces.js';
import { jobStats } from '../../adapters/sql/jobStats.js';

const STATUSES: readonly JobStatus[] = ['pending', 'processing', 'success', 'failed'];

export interface JobTotals {
  counts: Record<JobStatus, number>;
  total: number;
  /** Jobs that reached success in the last `windowMinutes`. */
  recentSuccesses: number;
  /** Jobs that reached failed in the last `windowMinutes`. */
  recentFailures: number;
  windowMinutes: number;
  /** created_at of the oldest pending job, if any. */
  oldestPendingAt?: Date;
}

export async function jobTotals(db: Surreal, tables: readonly string[], windowMinutes: number): Promise<JobTotals> {
  const totals: JobTotals = {
    counts: { pending: 0, processing: 0, success: 0, failed: 0 },
    total: 0,
    recentSuccesses: 0,
    recentFailures: 0,
    windowMinutes,
  };
  for (const table of tables) {
    const t = await jobStats(db, table, windowMinutes);
    for (const status of STATUSES) totals.counts[status] += t.counts[status] ?? 0;
    totals.recentSuccesses += t.recentSuccesses;
    totals.recentFailures += t.recentFailures;
    if (t.oldestPendingAt && (!totals.oldestPendingAt || t.oldestPendingAt < totals.oldestPendingAt)) totals.oldestPendingAt = t.oldestPendingAt;
  }
  totals.total = STATUSES.reduce((sum, status) => sum + totals.counts[status], 0);
  return totals;
}
