// A backlog drained: `jobs` pending rows written at once (500 per statement, while the runner
// runs) through one runner process with `concurrency: 2`. Measures the calls in flight at once
// per worker, the drain time, the runner's RSS every second, and the rows and calls at the end.
import type { JobRows } from './jobRows.js';
import { callsPerJob, maxOverlapPerWorker, type LoadBackend } from './loadBackend.js';
import { assertRunning, startLoadRunner } from './loadRunner.js';
import { sampleRss, type RssSample } from './rssSampler.js';
import { now, waitFor } from './waiting.js';

export interface DrainResult {
  jobs: number;
  writeSeconds: number;
  /** From the first row written to every row `success` (polled every second). */
  drainSeconds: number;
  jobsPerSecond: number;
  /** Live counter at the backend, per worker (its `x-worker-identity` header, `unnamed` without one). */
  maxInFlightPerWorker: Record<string, number>;
  /** From the recorded intervals, per worker as the row's `assignee` (written by the claim) names it. */
  maxInFlightPerAssignee: Record<string, number>;
  maxInFlightTotal: number;
  rssIdleMb: number;
  rssMaxMb: number;
  rssEndMb: number;
  rows: Record<string, number>;
  calls: number;
  jobsCalled: number;
  jobsCalledMoreThanOnce: number;
  abortedCalls: number;
  rss: RssSample[];
}

export async function drainBacklog(jobs: number, env: NodeJS.ProcessEnv, rows: JobRows, backend: LoadBackend, log: (line: string) => void): Promise<DrainResult> {
  const runner = await startLoadRunner('load-runner-drain', env, rows, backend);
  const rss = sampleRss(runner.pid!);
  const rssIdleMb = rss.lastMb();
  const successBefore = await rows.countWhere("status = 'success'");
  const t0 = now();
  await rows.insertMany(jobs, { path: '/call', delay: 0 });
  const writeSeconds = (now() - t0) / 1000;
  log(`  ${jobs} rows written in ${writeSeconds.toFixed(1)} s`);
  let lastLog = now();
  await waitFor(
    `${jobs} jobs to succeed`,
    async () => {
      assertRunning(runner);
      const done = (await rows.countWhere("status = 'success'")) - successBefore;
      if (now() - lastLog > 30_000) {
        lastLog = now();
        log(`  ${done}/${jobs} succeeded, ${backend.calls.length} calls, max in flight ${backend.maxInFlightTotal()}, RSS ${rss.lastMb()} MB`);
      }
      return done >= jobs;
    },
    3_600_000,
    1_000,
  );
  const drainSeconds = (now() - t0) / 1000;
  const samples = rss.stop();
  await runner.stop();
  const perJob = callsPerJob(backend.calls);
  const statuses = ['pending', 'processing', 'success', 'failed'];
  // The backlog's rows only (the runner's probe row was written before t0).
  const since = `created_at >= d"${new Date(t0 - 1).toISOString()}"`;
  const counts = Object.fromEntries(await Promise.all(statuses.map(async (s) => [s, await rows.countWhere(`status = '${s}' AND ${since}`)] as const)));
  const assigneeOf = await rows.assignees(since);
  return {
    jobs,
    writeSeconds,
    drainSeconds,
    jobsPerSecond: jobs / drainSeconds,
    maxInFlightPerWorker: Object.fromEntries(backend.maxInFlight),
    maxInFlightPerAssignee: Object.fromEntries(maxOverlapPerWorker(backend.calls.map((c) => ({ ...c, worker: assigneeOf.get(c.jobId) ?? 'unknown' })))),
    maxInFlightTotal: backend.maxInFlightTotal(),
    rssIdleMb,
    rssMaxMb: Math.max(...samples.map((x) => x.rssMb)),
    rssEndMb: samples.at(-1)?.rssMb ?? 0,
    rows: counts,
    calls: backend.calls.length,
    jobsCalled: perJob.size,
    jobsCalledMoreThanOnce: [...perJob.values()].filter((n) => n > 1).length,
    abortedCalls: backend.calls.filter((c) => c.aborted).length,
    rss: samples,
  };
}
