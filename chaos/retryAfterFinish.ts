// Retries each `retry-after-finish` job once, after it has ended, checking once a second.
import type { JobsClient } from '../src/app/jobs/jobsClient.js';
import { persist } from './timing.js';

export interface FinishedJobRetrier {
  /** Whether some job is still to be retried. */
  waiting(): boolean;
  /** Stops checking and waits for the retries under way. */
  stop(): Promise<void>;
}

export function retryJobsOnceFinished(jobs: JobsClient, toRetry: Set<string>, log: (line: string) => void): FinishedJobRetrier {
  const retried = new Set<string>();
  let retryPass: Promise<void> = Promise.resolve();
  const retrying = setInterval(() => {
    retryPass = retryPass.then(async () => {
      for (const jobId of toRetry) {
        if (retried.has(jobId)) continue;
        const row = await jobs.get(jobId).catch(() => undefined);
        if (row?.status !== 'success' && row?.status !== 'failed') continue;
        // Marked first: a retry whose answer was lost (Temporal restarting) may have reset the row
        // already, and a second one would then be refused (or, once it ended, run it twice).
        retried.add(jobId);
        let attempted = false;
        await persist(`retry ${jobId}`, async () => {
          if (attempted && (await jobs.get(jobId))?.status !== 'success' && (await jobs.get(jobId))?.status !== 'failed') return;
          attempted = true;
          await jobs.retry(jobId);
        });
      }
    }).catch((error: unknown) => log(`retry pass failed: ${(error as Error).message}`));
  }, 1_000);
  return {
    waiting: () => [...toRetry].some((id) => !retried.has(id)),
    async stop() {
      clearInterval(retrying);
      await retryPass;
    },
  };
}
