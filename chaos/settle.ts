// The end of a chaos run's load: waits until every job has ended, every job to retry has been
// retried and no schedule slot is running, restarting the runner processes a fault left down.
import type { Client } from '@temporalio/client';
import type { Surreal } from 'surrealdb';
import type { RunnerProcess } from './processes.js';
import { sleep } from './timing.js';

export interface SettleWatch {
  db: Surreal;
  client: Client;
  /** Restarted at each check, should a fault have left one down. */
  keepRunning: RunnerProcess[];
  /** Whose last output is logged when the wait gives up. */
  everyProcess: RunnerProcess[];
  /** Whether some job is still to be retried after it ended. */
  retriesWaiting: () => boolean;
  /** Work still going on (kills, restarts); awaited before the last count. */
  background: Promise<unknown>[];
  timeoutMs: number;
  log: (line: string) => void;
}

/** Returns once all is quiet, or after `timeoutMs` (having logged what was still open). */
export async function waitForJobsToEnd(w: SettleWatch): Promise<void> {
  const deadline = Date.now() + w.timeoutMs;
  for (;;) {
    w.keepRunning.forEach((p) => p.start());
    const [open] = await w.db.query<[number[]]>("SELECT VALUE count() FROM job WHERE status IN ['pending', 'processing'] GROUP ALL");
    const waitingRetries = w.retriesWaiting();
    const runningSlots = await w.client.workflow.count("WorkflowType = 'runScheduledJob' AND ExecutionStatus = 'Running'").then((c) => c.count, () => 1);
    if ((open?.[0] ?? 0) === 0 && !waitingRetries && runningSlots === 0) {
      await Promise.allSettled(w.background.splice(0));
      const [again] = await w.db.query<[number[]]>("SELECT VALUE count() FROM job WHERE status IN ['pending', 'processing'] GROUP ALL");
      if ((again?.[0] ?? 0) === 0) break;
    }
    if (Date.now() > deadline) {
      w.log(`gave up waiting: ${open?.[0] ?? 0} jobs still open`);
      for (const p of w.everyProcess) if (p.recentStderr) w.log(`${p.name} stderr:\n${p.recentStderr.slice(-2_000)}`);
      break;
    }
    await sleep(1_000);
  }
}
