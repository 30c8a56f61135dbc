// The counts `jobs list` and the dashboard show in their footer, summed over every job table.
import type { Surreal } from 'surrealdb';
import { jobStats } from '../../adapters/sql/jobStats.js';
import { JOB_STATUSES, type JobStats } from './jobsBackend.js';

export const STATS_WINDOW_MINUTES = 5;

export async function totalJobStats(db: Surreal, tables: readonly string[]): Promise<JobStats> {
  const stats: JobStats = {
    counts: { pending: 0, processing: 0, success: 0, failed: 0 },
    total: 0,
    recentSuccesses: 0,
    recentFailures: 0,
    windowMinutes: STATS_WINDOW_MINUTES,
  };
  let oldest: Date | undefined;
  for (const table of tables) {
    const t = await jobStats(db, table, STATS_WINDOW_MINUTES);
    for (const status of JOB_STATUSES) stats.counts[status] += t.counts[status] ?? 0;
    stats.recentSuccesses += t.recentSuccesses;
    stats.recentFailures += t.recentFailures;
    if (t.oldestPendingAt && (!oldest || t.oldestPendingAt < oldest)) oldest = t.oldestPendingAt;
  }
  stats.total = JOB_STATUSES.reduce((sum, status) => sum + stats.counts[status], 0);
  if (oldest) stats.oldestPendingAt = oldest.toISOString();
  return stats;
}
