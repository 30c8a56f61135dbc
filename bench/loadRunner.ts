// The load check's runner: one `spooky-temporal start` process (compiled, bridge and worker), so
// its memory is its own, against the load backend with `concurrency: 2`.
import { RunnerProcess } from '../chaos/processes.js';
import type { JobRows } from './jobRows.js';
import { LOAD_BACKEND_PATHS, type LoadBackend } from './loadBackend.js';
import { waitFor } from './waiting.js';

export const LOAD_CONCURRENCY = 2;

export function loadRunnerEnv(backend: LoadBackend, runnerEnv: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  return {
    SPKY_JOB_CONFIG: JSON.stringify([{ name: 'api', table: 'job', base_url: backend.url, concurrency: LOAD_CONCURRENCY, allowed_paths: LOAD_BACKEND_PATHS }]),
    ...runnerEnv,
    LOG_LEVEL: 'warn',
  };
}

/** Starts the runner; once a probe job of its own has succeeded, forgets the probe's call. */
export async function startLoadRunner(name: string, env: NodeJS.ProcessEnv, rows: JobRows, backend: LoadBackend): Promise<RunnerProcess> {
  const runner = new RunnerProcess(name, 'both', env, 30_000, true);
  runner.start();
  const probe = await rows.insert({ path: '/call' });
  await waitFor(`runner ${name} to run a probe job`, async () => {
    assertRunning(runner);
    return (await rows.countWhere(`id = ${probe} AND status = 'success'`)) === 1;
  }, 120_000, 200);
  backend.reset();
  return runner;
}

/** Throws with the runner's last lines when it has exited: a wait must not outlive it. */
export function assertRunning(runner: RunnerProcess): void {
  if (!runner.running) throw new Error(`load: runner ${runner.name} exited; its last output:\n${runner.recentStderr}`);
}
