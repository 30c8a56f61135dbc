// Runner processes for the bench, started as an operator starts them (`spooky-temporal start`,
// compiled), and what they use of this machine, read from /proc.
import { readFileSync } from 'node:fs';
import { RunnerProcess } from '../chaos/processes.js';
import type { JobRows } from './jobRows.js';
import { waitFor } from './waiting.js';

/** Runner processes; with `ready`, once a probe job of theirs has succeeded. */
export async function startRunnerProcesses(count: number, env: NodeJS.ProcessEnv, rows: JobRows, ready = true): Promise<RunnerProcess[]> {
  const runners = Array.from({ length: count }, (_, i) => new RunnerProcess(`bench-runner-${i + 1}`, 'both', env, 30_000, true));
  runners.forEach((r) => r.start());
  if (!ready) return runners;
  const probe = await rows.insert();
  await waitFor('the runner processes to start', async () => (await rows.countWhere(`id = ${probe} AND status = 'success'`)) === 1, 120_000, 100);
  return runners;
}

/** CPU seconds (user + system) a process has used so far, from /proc. */
export function cpuSecondsOf(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100; // utime, stime in clock ticks (USER_HZ 100)
}

export function rssMbOf(pid: number): number {
  const line = readFileSync(`/proc/${pid}/status`, 'utf8').split('\n').find((l) => l.startsWith('VmRSS:'))!;
  return Number(line.split(/\s+/)[1]) / 1024;
}
