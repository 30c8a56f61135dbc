// Every queue with pending jobs, and whether a worker serves it (as the Temporal server saw its
// polls). A job on a queue no runner serves waits there, it is not lost.
import { countPendingByQueue } from '../../adapters/sql/countPendingByQueue.js';
import { taskQueuePollers } from '../../adapters/temporal/taskQueuePollers.js';
import { taskQueueFor } from '../../core/taskQueues.js';
import type { JobsClientDeps } from './jobsClientDeps.js';

/** A queue with pending jobs, and whether any worker serves it. */
export interface QueueStatus {
  table: string;
  backend: string;
  queue: string;
  taskQueue: string;
  pending: number;
  /** A worker polled its task queue in the last two minutes. */
  served: boolean;
  lastPollAt?: Date;
}

export async function queueStatus(deps: JobsClientDeps, tables: readonly string[]): Promise<QueueStatus[]> {
  const report: QueueStatus[] = [];
  for (const table of tables) {
    const backend = deps.registry.byTable(table)!;
    const counts = await countPendingByQueue(deps.db(), await deps.shapes.get(table), table);
    for (const [queue, pending] of [...counts].sort(([a], [b]) => a.localeCompare(b))) {
      const taskQueue = taskQueueFor(backend, queue);
      const pollers = await taskQueuePollers(deps.client, deps.client.options.namespace, taskQueue);
      report.push({ table, backend: backend.name, queue, taskQueue, pending, served: pollers.served, ...(pollers.lastPollAt ? { lastPollAt: pollers.lastPollAt } : {}) });
    }
  }
  return report;
}
