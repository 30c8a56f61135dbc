// The Temporal floor, on the same server as the runner: bare workflows that run one no-op
// activity, started straight from a Temporal client. What the runner is measured against.
import { fileURLToPath } from 'node:url';
import type { Client } from '@temporalio/client';
import { Worker, bundleWorkflowCode } from '@temporalio/worker';
import pLimit from 'p-limit';
import type { BenchEnvironment } from './environments.js';
import { now } from './waiting.js';

export interface FloorWorker {
  taskQueue: string;
  /** When the no-op activity ran, by the label a workflow passed it (the timer measure's). */
  activityAt: Map<string, number>;
  stop(): Promise<void>;
}

/** The floor's worker: one no-op activity per workflow, as many activity slots as the runner's 100. */
export async function startFloorWorker(environment: BenchEnvironment): Promise<FloorWorker> {
  const taskQueue = 'bench-floor';
  const activityAt = new Map<string, number>();
  const nativeConnection = await environment.connectWorker();
  const worker = await Worker.create({
    connection: nativeConnection,
    taskQueue,
    workflowBundle: await bundleWorkflowCode({ workflowsPath: fileURLToPath(new URL('./floor/workflows.ts', import.meta.url)), logger: quietLogger() }),
    activities: {
      noop: async (label?: string) => {
        if (label) activityAt.set(label, now());
      },
    },
    maxConcurrentActivityTaskExecutions: 100,
  });
  const running = worker.run();
  return {
    taskQueue,
    activityAt,
    async stop() {
      worker.shutdown();
      await running;
      await nativeConnection.close();
    },
  };
}

/** End to end one at a time (after 5 warm-ups), then throughput over a burst, 100 in flight. */
export async function measureFloor(client: Client, taskQueue: string, samples: number, burst: number): Promise<{ oneAtATime: number[]; perSecond: number }> {
  const oneAtATime: number[] = [];
  for (let i = 0; i < samples + 5; i++) {
    const t0 = now();
    await client.workflow.execute('floorWorkflow', { taskQueue, workflowId: `floor-one-${i}` });
    if (i >= 5) oneAtATime.push(now() - t0);
  }
  const t0 = now();
  const limit = pLimit(100); // as many in flight as the runner's 100 activity slots
  await Promise.all(
    Array.from({ length: burst }, (_, i) => limit(() => client.workflow.execute('floorWorkflow', { taskQueue, workflowId: `floor-burst-${i}` }))),
  );
  return { oneAtATime, perSecond: burst / ((now() - t0) / 1000) };
}

/** The start-rate floor, for the catch-up: workflow starts with a start delay, as the bridge does. */
export async function measureFloorStartRate(client: Client, waiting: number): Promise<number> {
  const startsT0 = now();
  const startLimit = pLimit(16);
  const floorStarts = Math.min(waiting, 2_000);
  await Promise.all(
    Array.from({ length: floorStarts }, (_, i) =>
      startLimit(() => client.workflow.start('floorWorkflow', { taskQueue: 'bench-floor-idle', workflowId: `floor-start-${i}`, startDelay: '1h' })),
    ),
  );
  return floorStarts / ((now() - startsT0) / 1000);
}

function quietLogger() {
  const noop = () => undefined;
  return { log: noop, trace: noop, debug: noop, info: noop, warn: noop, error: (m: string) => console.error(m) };
}
