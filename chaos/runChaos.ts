// The chaos run: a mixed load of jobs through a bridge process and two worker processes,
// while workers, bridges and the Temporal server are killed and restarted at random moments.
// Afterwards every row, every backend request and every workflow outcome is checked.
// This file holds the run's hard deadline; the run itself is chaosRun.ts.
import type { ChaosOptions, ChaosReport } from './chaosOptions.js';
import { runChaosOnce } from './chaosRun.js';
import { describeOpenWork, stopStarted, type StartedResources } from './startedResources.js';

export { DEV_FAULT_KINDS, RUNNER_FAULT_KINDS, type ChaosOptions, type ChaosReport } from './chaosOptions.js';

export async function runChaos(options: ChaosOptions): Promise<ChaosReport> {
  const started: StartedResources = { processes: [], taskQueues: [] };
  let timer: NodeJS.Timeout | undefined;
  const expired = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new ChaosDeadlineError(options.deadlineMs)), options.deadlineMs);
  });
  try {
    return await Promise.race([runChaosOnce(options, started), expired]);
  } catch (error) {
    if (error instanceof ChaosDeadlineError) {
      const report = await describeOpenWork(started).catch((e: unknown) => `diagnostics failed: ${(e as Error).message}`);
      options.log(report);
      await stopStarted(started);
      throw new Error(`${error.message}\n${report}`, { cause: error });
    }
    await stopStarted(started);
    throw error;
  } finally {
    clearTimeout(timer);
  }
}

class ChaosDeadlineError extends Error {
  constructor(deadlineMs: number) {
    super(`the chaos run did not end within its deadline of ${Math.round(deadlineMs / 1000)} s`);
  }
}
