// What a chaos run has started, so that a run past its deadline can say what was still open
// and stop it all.
import proto from '@temporalio/proto';
import type { Client, Connection } from '@temporalio/client';
import type { ChaosEnvironment } from './environments.js';
import type { RunnerProcess } from './processes.js';
import { within } from './timing.js';

/** What a run started, for the diagnostics and the cleanup when its deadline passes. Filled in as the run starts each part. */
export interface StartedResources {
  processes: RunnerProcess[];
  environment?: ChaosEnvironment;
  backend?: { close(): Promise<void> };
  connection?: Connection;
  client?: Client;
  taskQueues: string[];
}

/** Open rows, each task queue's pollers and backlog, each process's last output. Every step bounded. */
export async function describeOpenWork(s: StartedResources): Promise<string> {
  const lines: string[] = [];
  if (s.environment) {
    const open = await within(
      s.environment.db.query<[unknown[]]>("SELECT id, status, retries, assignee, updated_at FROM job WHERE status IN ['pending', 'processing'] LIMIT 20"),
      5_000,
    ).catch((error: unknown) => [[`(could not read the rows: ${(error as Error).message})`]]);
    const rows = open[0] ?? [];
    lines.push(`open rows (first ${rows.length}):`, ...rows.map((row) => `  ${JSON.stringify(row)}`));
  }
  if (s.client) {
    const { TaskQueueKind, TaskQueueType } = proto.temporal.api.enums.v1;
    for (const name of s.taskQueues) {
      for (const [typeName, type] of [['workflow', TaskQueueType.TASK_QUEUE_TYPE_WORKFLOW], ['activity', TaskQueueType.TASK_QUEUE_TYPE_ACTIVITY]] as const) {
        const described = await within(
          s.client.workflowService.describeTaskQueue({
            namespace: 'default',
            taskQueue: { name, kind: TaskQueueKind.TASK_QUEUE_KIND_NORMAL },
            taskQueueType: type,
            reportStats: true,
          }),
          5_000,
        ).catch((error: unknown) => error as Error);
        if (described instanceof Error) {
          lines.push(`task queue ${name} (${typeName}): cannot describe: ${described.message}`);
          continue;
        }
        const pollers = (described.pollers ?? []).map((p) => p.identity).join(', ') || 'none';
        const stats = described.stats;
        const age = stats?.approximateBacklogAge?.seconds;
        lines.push(
          `task queue ${name} (${typeName}): pollers ${pollers}; backlog ${String(stats?.approximateBacklogCount ?? '?')}` +
            (age != null ? `, oldest ${String(age)} s` : ''),
        );
      }
    }
  }
  for (const p of s.processes) {
    lines.push(`${p.name} (${p.running ? `running, pid ${p.pid}` : 'not running'}), last output:`, p.recentStderr.slice(-2_000) || '  (none)');
  }
  return lines.join('\n');
}

/** Stops everything the run started. Bounded: a hung engine or process cannot keep it waiting. */
export async function stopStarted(s: StartedResources): Promise<void> {
  await Promise.allSettled(s.processes.map((p) => p.stop()));
  await within(s.connection?.close() ?? Promise.resolve(), 5_000).catch(() => undefined);
  await within(s.backend?.close() ?? Promise.resolve(), 5_000).catch(() => undefined);
  await within(s.environment?.close() ?? Promise.resolve(), 60_000).catch(() => undefined);
}
