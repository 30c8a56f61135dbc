// Named queues are Temporal task queues: a job on queue `emails` of backend `api` runs on the
// task queue `<api's task queue>-emails`, and only workers polling that task queue take it.
// The default queue keeps the backend's own task queue, so existing deployments are unchanged.
import type { BackendConfig } from './interfaces.js';

export const DEFAULT_QUEUE = 'default';

/** The task queue a job of this backend on this queue runs on. */
export function taskQueueFor(backend: Pick<BackendConfig, 'taskQueue'>, queue: string | undefined): string {
  return queue === undefined || queue === DEFAULT_QUEUE ? backend.taskQueue : `${backend.taskQueue}-${queue}`;
}
