// The chaos run's faults: every kind once, then random ones up to the number asked for, in a
// shuffled order, spread over the enqueueing time. Runner processes are SIGKILLed and restarted
// here; the servers' faults come from the environment.
import { Table, raw, type Surreal } from 'surrealdb';
import type { ChaosOptions } from './chaosOptions.js';
import { RUNNER_FAULT_KINDS } from './chaosOptions.js';
import type { ChaosEnvironment } from './environments.js';
import type { JobKind } from './jobLoad.js';
import type { RunnerProcess } from './processes.js';
import { shuffle } from './seededRandom.js';
import { sleep } from './timing.js';

export interface InjectedFault {
  kind: string;
  at: number;
}

/** Where the backend's requests are passed on while a fault waits for a call in flight. */
export interface CallWatch {
  onCall?: (jobId: string, path: string) => void;
}

export interface FaultTargets {
  options: Pick<ChaosOptions, 'faults' | 'enqueueOverMs' | 'jobs'>;
  random: () => number;
  db: Surreal;
  environment: ChaosEnvironment;
  bridge: RunnerProcess;
  /** Started for 8 s by the `two-bridges` fault. */
  secondBridge: RunnerProcess;
  workers: RunnerProcess[];
  calls: CallWatch;
  /** Enqueues a job of the given kind (a slow call to interrupt, when none is left late in the run). */
  enqueue: (index: number, forced?: JobKind) => Promise<void>;
  /** Work that goes on after a fault (restarts later); the run waits for it before its last count. */
  background: Promise<unknown>[];
  log: (line: string) => void;
}

/** Injects the faults one after another; returns each fault injected, with when. */
export async function injectFaults(t: FaultTargets): Promise<InjectedFault[]> {
  const { options, random, db, environment, bridge, secondBridge, workers, calls, background, log } = t;
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)]!;
  const faults: InjectedFault[] = [];
  const faultKinds: string[] = [...RUNNER_FAULT_KINDS, ...Object.keys(environment.faults)];
  const order = shuffle([...faultKinds, ...Array.from({ length: Math.max(0, options.faults - faultKinds.length) }, () => pick(faultKinds))], random);
  // Faults land while jobs are still being enqueued, so each one meets work in progress.
  const spacing = options.enqueueOverMs / (order.length + 1);
  const restartLater = (processes: RunnerProcess[], ms: number) =>
    background.push(sleep(ms).then(() => processes.forEach((p) => p.start())));
  const record = (kind: string) => {
    faults.push({ kind, at: Date.now() });
    log(`fault ${faults.length}/${order.length}: ${kind}`);
  };
  const killWorkerOfJob = async (jobId: string, kind: string) => {
    const [assignee] = await db.query<[string | undefined]>('SELECT VALUE assignee FROM ONLY type::record($id)', { id: jobId });
    const worker = workers.find((w) => w.name === assignee) ?? pick(workers);
    worker.kill();
    record(kind);
    restartLater([worker], 500 + random() * 1_000);
  };

  // A targeted fault that finds nothing to hit (no claim, no call in 10 s) is tried again later.
  const queue = [...order];
  for (let tries = 0; queue.length > 0 && tries < order.length * 3; tries++) {
    const kind = queue.shift()!;
    const before = faults.length;
    await sleep(spacing * (0.5 + random()));
    switch (kind) {
      case 'kill-worker': {
        const worker = pick(workers);
        worker.kill();
        record(kind);
        restartLater([worker], 300 + random() * 1_500);
        break;
      }
      case 'kill-bridge':
        bridge.kill();
        record(kind);
        restartLater([bridge], 300 + random() * 1_500);
        break;
      case 'kill-bridge-and-worker': {
        const worker = pick(workers);
        bridge.kill();
        worker.kill();
        record(kind);
        restartLater([bridge, worker], 500 + random() * 1_500);
        break;
      }
      case 'kill-worker-after-claim': {
        // The next claim seen on the database: kill the worker that made it.
        const live = await db.live(new Table('job')).where(raw("status = 'processing'"));
        const claimed = await Promise.race([
          new Promise<string>((resolve) => live.subscribe((m) => m.action !== 'KILLED' && resolve(String(m.value['id'])))),
          sleep(10_000).then(() => undefined),
        ]);
        await live.kill();
        if (claimed) await killWorkerOfJob(claimed, kind);
        break;
      }
      case 'kill-worker-during-call': {
        const nextSlowCall = (ms: number) =>
          Promise.race([
            new Promise<string>((resolve) => (calls.onCall = (jobId, p) => p.startsWith('/slow/1500') && resolve(jobId))),
            sleep(ms).then(() => undefined),
          ]);
        let inCall = await nextSlowCall(10_000);
        if (!inCall && tries >= order.length) {
          // Late in the run no slow call may be left: enqueue one to be interrupted (a `slow` job).
          await t.enqueue(options.jobs, 'slow');
          inCall = await nextSlowCall(30_000);
        }
        calls.onCall = undefined;
        if (inCall) await killWorkerOfJob(inCall, kind);
        break;
      }
      case 'two-bridges':
        secondBridge.start();
        record(kind);
        background.push(sleep(8_000).then(() => secondBridge.kill()));
        break;
      default:
        record(kind);
        await environment.faults[kind]!({ random, later: (work) => background.push(work) });
    }
    if (faults.length === before) queue.push(kind);
  }
  return faults;
}
