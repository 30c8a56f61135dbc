// What waiting jobs cost: rows delayed by an hour, written while no runner runs, then one runner
// process started: how fast it catches up (starts their workflows), its CPU for that, then its
// idle CPU over a minute and its memory.
import type { Client } from '@temporalio/client';
import type { JobRows } from './jobRows.js';
import { cpuSecondsOf, rssMbOf, startRunnerProcesses } from './runnerProcesses.js';
import { now, sleep, waitFor } from './waiting.js';

export interface WaitingCost {
  catchUpPerSecond: number;
  catchUpCpuPer1000: number;
  idleCpuPercent: number;
  rssMb: number;
}

export async function measureWaitingCost(waiting: number, client: Client, env: NodeJS.ProcessEnv, rows: JobRows): Promise<WaitingCost> {
  await rows.insertMany(waiting, { path: '/ok', delay: 3_600_000 });
  const runningJobs = async () => (await client.workflow.count('WorkflowType = "runJob" AND ExecutionStatus = "Running"')).count;
  const [waiter] = await startRunnerProcesses(1, env, rows, false);
  let firstStart = 0;
  await waitFor(
    'the catch-up',
    async () => {
      const n = await runningJobs();
      if (n > 0 && !firstStart) firstStart = now();
      return n >= waiting;
    },
    1_800_000,
    1_000, // a count over every workflow is not free on the dev server: poll gently
  );
  const catchUpPerSecond = waiting / ((now() - firstStart) / 1000);
  const catchUpCpuPer1000 = (cpuSecondsOf(waiter!.pid!) / waiting) * 1000; // includes the process's start-up
  await sleep(10_000);
  const idleCpuBefore = cpuSecondsOf(waiter!.pid!);
  const idleT0 = now();
  await sleep(60_000);
  const idleCpuPercent = ((cpuSecondsOf(waiter!.pid!) - idleCpuBefore) / ((now() - idleT0) / 1000)) * 100;
  const rssMb = rssMbOf(waiter!.pid!);
  await waiter!.stop();
  return { catchUpPerSecond, catchUpCpuPer1000, idleCpuPercent, rssMb };
}
