// Throughput of runner processes (`spooky-temporal start`, compiled): a burst of rows written at
// once, the time until all succeeded and the CPU the processes spent on it. With two processes it
// also shows whether any job was effectively called twice.
import type { CountingBackend } from '../chaos/countingBackend.js';
import type { JobRows } from './jobRows.js';
import { cpuSecondsOf, startRunnerProcesses } from './runnerProcesses.js';
import { now, waitFor } from './waiting.js';

export interface BurstResult {
  perSecond: number;
  cpuSecondsPer1000: number;
  /** Per idempotency key, how many of its requests were answered 200. */
  effectiveCallsPerKey: number[];
}

export async function burstThrough(processes: number, burst: number, env: NodeJS.ProcessEnv, rows: JobRows, backend: CountingBackend): Promise<BurstResult> {
  const runners = await startRunnerProcesses(processes, env, rows);
  const cpuBefore = runners.map((r) => cpuSecondsOf(r.pid!));
  const successBefore = await rows.countWhere("status = 'success'");
  const requestsBefore = backend.requests.length;
  const t0 = now();
  await rows.insertMany(burst, { path: '/ok', delay: 0 });
  await waitFor(`a burst through ${processes} runner process(es)`, async () => (await rows.countWhere("status = 'success'")) - successBefore >= burst, 900_000, 100);
  const seconds = (now() - t0) / 1000;
  const cpu = runners.reduce((sum, r, i) => sum + cpuSecondsOf(r.pid!) - cpuBefore[i]!, 0);
  await Promise.all(runners.map((r) => r.stop()));
  const perKey = new Map<string, number>();
  for (const r of backend.requests.slice(requestsBefore)) if (r.status === 200) perKey.set(r.key, (perKey.get(r.key) ?? 0) + 1);
  return { perSecond: burst / seconds, cpuSecondsPer1000: (cpu / burst) * 1000, effectiveCallsPerKey: [...perKey.values()] };
}
