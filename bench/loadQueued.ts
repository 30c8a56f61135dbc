// A backlog too large to drain here: `count` pending rows, and one runner process's RSS (every
// second) while it picks them up, for `minutes` after the rows are in. Two ways a backlog
// reaches a runner:
//   live      the runner runs while the rows are written (500 per statement): every row
//             arrives as a live-query notification;
//   catch-up  the rows are written while no runner runs; the runner then finds them by
//             paging through the pending rows (its start-up catch-up, then every 30 s).
// Progress (workflows started, jobs succeeded) is read every 15 s.
import type { Client } from '@temporalio/client';
import { RunnerProcess } from '../chaos/processes.js';
import type { JobRows } from './jobRows.js';
import type { LoadBackend } from './loadBackend.js';
import { assertRunning, startLoadRunner } from './loadRunner.js';
import { sampleRss, type RssSample } from './rssSampler.js';
import { now, sleep } from './waiting.js';

export interface Progress {
  s: number;
  workflowsStarted: number;
  succeeded: number;
  rssMb: number;
}

export interface QueuedResult {
  mode: 'live' | 'catch-up';
  queued: number;
  writeSeconds: number;
  /** How long the runner was watched after the last row was written (or after its start, in catch-up). */
  watchedSeconds: number;
  /** Live mode: the runner's RSS before the rows were written. */
  rssIdleMb?: number;
  rssMaxMb: number;
  rssEndMb: number;
  /** The most RSS in the last minute watched, against the minute before: growth still going on shows here. */
  rssMaxLastMinuteMb: number;
  rssMaxMinuteBeforeMb: number;
  workflowsStarted: number;
  succeeded: number;
  maxInFlightPerWorker: Record<string, number>;
  progress: Progress[];
  rss: RssSample[];
}

export async function queuedBacklog(
  mode: 'live' | 'catch-up',
  count: number,
  minutes: number,
  deps: { env: NodeJS.ProcessEnv; rows: JobRows; backend: LoadBackend; client: Client; log: (line: string) => void },
): Promise<QueuedResult> {
  const { env, rows, backend, client, log } = deps;
  let runner: RunnerProcess | undefined;
  if (mode === 'live') runner = await startLoadRunner(`load-runner-${mode}`, env, rows, backend);
  const t0 = now();
  const startedBefore = await workflowsStarted(client);
  const rssDuringWrite = runner ? sampleRss(runner.pid!) : undefined;
  await rows.insertMany(count, { path: '/call', delay: 0 });
  const writeSeconds = (now() - t0) / 1000;
  log(`  ${count} rows written in ${writeSeconds.toFixed(1)} s`);
  if (!runner) {
    backend.reset();
    runner = new RunnerProcess(`load-runner-${mode}`, 'both', env, 30_000, true);
    runner.start();
  }
  const rss = rssDuringWrite ?? sampleRss(runner.pid!);
  const rssIdleMb = rssDuringWrite?.samples[0]?.rssMb;
  const since = `created_at >= d"${new Date(t0 - 1).toISOString()}"`;
  const progress: Progress[] = [];
  const watchFrom = now();
  while (now() - watchFrom < minutes * 60_000) {
    assertRunning(runner);
    await sleep(15_000);
    const entry = {
      s: Math.round((now() - watchFrom) / 1000),
      workflowsStarted: (await workflowsStarted(client)) - startedBefore,
      succeeded: await rows.countWhere(`status = 'success' AND ${since}`),
      rssMb: rss.lastMb(),
    };
    progress.push(entry);
    log(`  +${entry.s} s: ${entry.workflowsStarted} workflows started, ${entry.succeeded} succeeded, RSS ${entry.rssMb} MB (max ${rss.maxMb()})`);
  }
  const watchedSeconds = (now() - watchFrom) / 1000;
  const samples = rss.stop();
  await runner.stop();
  const end = samples.at(-1)?.s ?? 0;
  const maxBetween = (from: number, to: number) => Math.max(0, ...samples.filter((x) => x.s > from && x.s <= to).map((x) => x.rssMb));
  const last = progress.at(-1);
  return {
    mode,
    queued: count,
    writeSeconds,
    watchedSeconds,
    ...(rssIdleMb !== undefined ? { rssIdleMb } : {}),
    rssMaxMb: Math.max(...samples.map((x) => x.rssMb)),
    rssEndMb: samples.at(-1)?.rssMb ?? 0,
    rssMaxLastMinuteMb: maxBetween(end - 60, end),
    rssMaxMinuteBeforeMb: maxBetween(end - 120, end - 60),
    workflowsStarted: last?.workflowsStarted ?? 0,
    succeeded: last?.succeeded ?? 0,
    maxInFlightPerWorker: Object.fromEntries(backend.maxInFlight),
    progress,
    rss: samples,
  };
}

/** Job workflows the server knows of, whatever their state (a count is not free: read it gently). */
async function workflowsStarted(client: Client): Promise<number> {
  return (await client.workflow.count('WorkflowType = "runJob"')).count;
}
