// Whether any worker polls a task queue, as the Temporal server saw it. The server lists each
// poller with its last poll for a few minutes after it stops; a poll lasts up to a minute.
import proto from '@temporalio/proto';
import type { Client } from '@temporalio/client';

/** A poller seen this recently counts as serving (over one long poll). */
export const SERVED_WITHIN_MS = 2 * 60_000;

export interface TaskQueuePollers {
  /** Some worker polled the queue within SERVED_WITHIN_MS. */
  served: boolean;
  lastPollAt?: Date;
  identities: string[];
}

export async function taskQueuePollers(client: Client, namespace: string, taskQueue: string, now = Date.now()): Promise<TaskQueuePollers> {
  const response = await client.workflowService.describeTaskQueue({
    namespace,
    taskQueue: { name: taskQueue, kind: proto.temporal.api.enums.v1.TaskQueueKind.TASK_QUEUE_KIND_NORMAL },
    taskQueueType: proto.temporal.api.enums.v1.TaskQueueType.TASK_QUEUE_TYPE_WORKFLOW,
  });
  const pollers = response.pollers ?? [];
  const times = pollers
    .map((p) => (p.lastAccessTime?.seconds == null ? undefined : Number(p.lastAccessTime.seconds) * 1000 + Math.floor((p.lastAccessTime.nanos ?? 0) / 1e6)))
    .filter((t): t is number => t !== undefined);
  const last = times.length ? Math.max(...times) : undefined;
  return {
    served: last !== undefined && now - last <= SERVED_WITHIN_MS,
    ...(last !== undefined ? { lastPollAt: new Date(last) } : {}),
    identities: pollers.map((p) => p.identity ?? '').filter(Boolean),
  };
}
