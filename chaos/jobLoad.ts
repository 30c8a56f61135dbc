// The chaos run's load: jobs of eight kinds written straight into the job table, as an app
// writes them, some of them killed before or during their call. It records what the checks
// need to know: which jobs were killed and when, and which ones are meant to fail.
import type { Surreal } from 'surrealdb';
import type { JobsClient } from '../src/app/jobs/jobsClient.js';
import type { ChaosOptions } from './chaosOptions.js';
import { persist, sleep } from './timing.js';

export type JobKind = 'ok' | 'delayed' | 'flaky' | 'fail' | 'slow' | 'kill-before-call' | 'kill-during-call' | 'retry-after-finish';

export interface JobLoad {
  /** How many jobs of each kind were enqueued. */
  kinds: Record<string, number>;
  /** Jobs killed, with the time kill() returned. */
  killedAt: Map<string, number>;
  /** Jobs whose backend always refuses (their `failed` is expected). */
  expectedFailures: Set<string>;
  /** Jobs to retry once they have ended (see retryAfterFinish.ts). */
  retryAfterFinish: Set<string>;
  /** Enqueues one job, of a random kind unless `forced`. */
  enqueue(index: number, forced?: JobKind): Promise<void>;
  /** Enqueues `options.jobs` jobs in batches every 200 ms, spread over `options.enqueueOverMs`. */
  enqueueAll(): Promise<void>;
  /** Told of each request the backend receives: a `kill-during-call` job is killed 100 ms into its call. */
  sawCall(jobId: string): void;
}

export interface JobLoadDeps {
  db: Surreal;
  jobs: JobsClient;
  random: () => number;
  options: Pick<ChaosOptions, 'jobs' | 'maxDelayMs' | 'enqueueOverMs'>;
  /** Work still going on (kills in flight); the run waits for it before its last count. */
  background: Promise<unknown>[];
  log: (line: string) => void;
}

export function createJobLoad({ db, jobs, random, options, background, log }: JobLoadDeps): JobLoad {
  const kinds: Record<string, number> = {};
  const killedAt = new Map<string, number>();
  const expectedFailures = new Set<string>();
  const killDuringCall = new Set<string>();
  const retryAfterFinish = new Set<string>();

  const kill = (jobId: string) =>
    background.push(
      persist(`kill ${jobId}`, () => jobs.kill(jobId))
        .then(() => killedAt.set(jobId, Date.now()))
        .catch((error: unknown) => log(`kill failed: ${(error as Error).message}`)),
    );

  const enqueue = async (index: number, forced?: JobKind) => {
    const kind = forced ?? jobKind(random());
    kinds[kind] = (kinds[kind] ?? 0) + 1;
    const delay = kind === 'delayed' ? 1_000 + Math.floor(random() * (options.maxDelayMs - 1_000)) : kind === 'kill-before-call' ? options.maxDelayMs : 0;
    // Every entry is evaluated, whatever the kind: the seeded sequence depends on it.
    const pathOf: Record<JobKind, string> = {
      ok: '/ok',
      delayed: '/ok',
      flaky: `/flaky/${1 + Math.floor(random() * 3)}`,
      fail: '/fail',
      slow: '/slow/1500',
      'kill-before-call': '/ok',
      'kill-during-call': '/slow/60000',
      'retry-after-finish': '/ok',
    };
    const [rows] = await persist('enqueue', () => db.query<[{ id: unknown }[]]>('CREATE job CONTENT $content RETURN id', {
      content: {
        path: pathOf[kind],
        payload: JSON.stringify({ index }),
        // Enough that injected faults alone cannot exhaust them; the failing ones end soon.
        max_retries: kind === 'fail' ? 2 : 20,
        retry_strategy: 'linear',
        delay,
        status: 'pending',
      },
    }));
    const jobId = String(rows[0]!.id);
    if (kind === 'fail') expectedFailures.add(jobId);
    if (kind === 'kill-during-call') killDuringCall.add(jobId);
    if (kind === 'retry-after-finish') retryAfterFinish.add(jobId);
    if (kind === 'kill-before-call') {
      const at = 500 + Math.floor(random() * (options.maxDelayMs / 2));
      background.push(sleep(at).then(() => kill(jobId)));
    }
  };

  return {
    kinds,
    killedAt,
    expectedFailures,
    retryAfterFinish,
    enqueue,
    async enqueueAll() {
      const batches = Math.max(1, Math.round(options.enqueueOverMs / 200));
      const perBatch = Math.ceil(options.jobs / batches);
      for (let done = 0; done < options.jobs; done += perBatch) {
        await Promise.all(Array.from({ length: Math.min(perBatch, options.jobs - done) }, (_, i) => enqueue(done + i)));
        await sleep(200);
      }
    },
    sawCall(jobId) {
      if (killDuringCall.delete(jobId)) setTimeout(() => kill(jobId), 100);
    },
  };
}

/** The kind of a job from a number in [0, 1): 30 % ok, 20 % delayed, 15 % flaky, and so on. */
function jobKind(r: number): JobKind {
  const table: [number, JobKind][] = [
    [0.3, 'ok'],
    [0.5, 'delayed'],
    [0.65, 'flaky'],
    [0.7, 'fail'],
    [0.8, 'slow'],
    [0.87, 'kill-before-call'],
    [0.93, 'kill-during-call'],
    [1, 'retry-after-finish'],
  ];
  return table.find(([upTo]) => r < upTo)![1];
}
