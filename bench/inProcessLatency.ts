// Latencies measured with a runner inside the bench process, whose job events carry exact
// times: pickup at a steady 10 jobs/s, end to end one job at a time, and kill of a call in flight.
import type { Surreal } from 'surrealdb';
import type { CountingBackend } from '../chaos/countingBackend.js';
import { silentLogger } from '../src/adapters/logger.js';
import { createRunner, type Runner, type RunnerOptions } from '../src/app/runner/createRunner.js';
import type { JobRows } from './jobRows.js';
import { now, sleep, waitFor } from './waiting.js';

export interface InProcessRunner {
  runner: Runner;
  /** When each job's attempt started and when it succeeded, from the runner's events. */
  startedAt: Map<string, number>;
  doneAt: Map<string, number>;
}

/** Starts the runner on the bench's own database connection, then runs 5 warm-up jobs (bundles, pools, first workflow tasks). */
export async function startInProcessRunner(db: Surreal, config: NonNullable<RunnerOptions['config']>, rows: JobRows): Promise<InProcessRunner> {
  const startedAt = new Map<string, number>();
  const doneAt = new Map<string, number>();
  const runner = await createRunner({ db, logger: silentLogger(), config });
  runner.events.on('job', (event) => {
    if (event.status === 'started') startedAt.set(event.jobId, now());
    if (event.status === 'success') doneAt.set(event.jobId, now());
  });
  await runner.start();
  for (let i = 0; i < 5; i++) {
    const id = await rows.insert();
    await waitFor('warm-up', () => doneAt.has(id), 60_000);
  }
  return { runner, startedAt, doneAt };
}

/** Pickup (row written → attempt started) of `samples * 2` jobs written at 10 per second. */
export async function measurePickup({ startedAt, doneAt }: InProcessRunner, rows: JobRows, samples: number): Promise<{ jobIds: string[]; pickup: number[] }> {
  const jobIds: string[] = [];
  for (let i = 0; i < samples * 2; i++) {
    jobIds.push(await rows.insert());
    await sleep(100);
  }
  await waitFor('steady jobs', () => jobIds.every((id) => doneAt.has(id)), 60_000);
  return { jobIds, pickup: jobIds.map((id) => startedAt.get(id)! - rows.createdAt.get(id)!) };
}

/** Row written → success, one job at a time. */
export async function measureEndToEnd({ doneAt }: InProcessRunner, rows: JobRows, samples: number): Promise<number[]> {
  const e2e: number[] = [];
  for (let i = 0; i < samples; i++) {
    const id = await rows.insert();
    await waitFor('one job', () => doneAt.has(id), 30_000);
    e2e.push(doneAt.get(id)! - rows.createdAt.get(id)!);
  }
  return e2e;
}

/** From kill() to the backend seeing its request aborted, and how long kill() took to return, over 20 slow calls. */
export async function measureKill({ runner }: InProcessRunner, rows: JobRows, backend: CountingBackend): Promise<{ killToAbort: number[]; killReturns: number[] }> {
  // Kills land at random moments of the heartbeat cycle, as a user's would.
  const killToAbort: number[] = [];
  const killReturns: number[] = [];
  for (let i = 0; i < 20; i++) {
    const id = await rows.insert({ path: '/slow/30000' });
    await waitFor('the slow call', () => backend.requests.some((r) => r.jobId === id), 30_000);
    await sleep(Math.random() * 1_000);
    const killedAt = now();
    await runner.jobs.kill(id);
    killReturns.push(now() - killedAt);
    const request = backend.requests.find((r) => r.jobId === id)!;
    await waitFor('the call to be aborted', () => request.abortedAt !== undefined, 30_000, 5);
    killToAbort.push(request.abortedAt! - killedAt);
  }
  return { killToAbort, killReturns };
}
