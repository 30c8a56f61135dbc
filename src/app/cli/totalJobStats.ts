// The counts `jobs list` and the dashboard show in their footer, as plain JSON (dates as ISO strings).
import type { JobsClient } from '../jobs/jobsClient.js';
import type { JobStats } from './jobsBackend.js';

export const STATS_WINDOW_MINUTES = 5;

export async function totalJobStats(jobs: JobsClient): Promise<JobStats> {
  const { oldestPendingAt, ...totals } = await jobs.totals(STATS_WINDOW_MINUTES);
  return { ...totals, ...(oldestPendingAt ? { oldestPendingAt: oldestPendingAt.toISOString() } : {}) };
}
