// Delay and backoff accuracy: how late the backend sees delayed and retried jobs, beside bare
// Temporal workflows sleeping the same delays at the same moments (a baseline under the same load).
import type { Client } from '@temporalio/client';
import proto from '@temporalio/proto';
import type { CountingBackend } from '../chaos/countingBackend.js';
import type { FloorWorker } from './floor.js';
import type { InProcessRunner } from './inProcessLatency.js';
import type { JobRows } from './jobRows.js';
import { now, sleep, waitFor } from './waiting.js';

const EventType = proto.temporal.api.enums.v1.EventType;
type EventType = proto.temporal.api.enums.v1.EventType;

export interface TimerMeasures {
  delayed: string[];
  flaky: string[];
  /** Request received − (created_at + delay), per delayed job. */
  delayLateness: number[];
  /** Request received − (previous answer + linear backoff), per retry. */
  backoffLateness: number[];
  /** Delay and backoff lateness together: the runner's timers. */
  lateness: number[];
  /** The floor's timers: activity run − due time. */
  floorTimerLateness: number[];
  /** Where a delayed job's lateness goes, from its history. */
  delayBreakdown: { workflowTask: number; activityScheduled: number; request: number }[];
}

export async function measureTimers(
  client: Client,
  { runner, doneAt }: InProcessRunner,
  rows: JobRows,
  floor: FloorWorker,
  backend: CountingBackend,
  samples: number,
): Promise<TimerMeasures> {
  // Written at a steady 10 rows/s, as the pickup phase: this measures the timers, not a crowd of
  // jobs falling due in the same instant (those queue behind the worker's workflow thread).
  const delayed: string[] = [];
  const flaky: string[] = [];
  const floorDue = new Map<string, number>();
  for (let i = 0; i < samples; i++) {
    const delay = 300 + ((i * 1_913) % 4_700);
    delayed.push(await rows.insert({ delay }));
    floorDue.set(`timer-${i}`, now() + delay);
    await client.workflow.start('floorDelayedWorkflow', { taskQueue: floor.taskQueue, workflowId: `floor-timer-${i}`, args: [delay, `timer-${i}`] });
    if (i % 5 === 0 || i % 5 === 2) flaky.push(await rows.insert({ path: '/flaky/2', max_retries: 3 }));
    await sleep(100);
  }
  await waitFor('delayed and flaky jobs', () => [...delayed, ...flaky].every((id) => doneAt.has(id)) && floor.activityAt.size === samples, 60_000);
  const floorTimerLateness = [...floorDue].map(([label, due]) => floor.activityAt.get(label)! - due);
  const requestsOf = (id: string) => backend.requests.filter((r) => r.jobId === id).sort((a, b) => a.receivedAt - b.receivedAt);
  const delayLateness = await Promise.all(
    delayed.map(async (id) => {
      const row = (await runner.jobs.get(id))!;
      return requestsOf(id)[0]!.receivedAt - (row.createdAt.getTime() + row.delayMs);
    }),
  );
  // Where a delayed job's lateness goes, from its history: the first workflow task (the
  // server's timer), the activity scheduled (the worker's workflow task), then the request.
  const eventMs = (e: { eventTime?: { seconds?: unknown; nanos?: number | null } | null }) =>
    Number(e.eventTime?.seconds ?? 0) * 1000 + Math.round((e.eventTime?.nanos ?? 0) / 1e6);
  const delayBreakdown = await Promise.all(
    delayed.map(async (id) => {
      const row = (await runner.jobs.get(id))!;
      const due = row.createdAt.getTime() + row.delayMs;
      const events = (await client.workflow.getHandle(id).fetchHistory()).events ?? [];
      const at = (type: EventType) => eventMs(events.find((e) => e.eventType === type)!) - due;
      return {
        workflowTask: at(EventType.EVENT_TYPE_WORKFLOW_TASK_SCHEDULED),
        activityScheduled: at(EventType.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED),
        request: requestsOf(id)[0]!.receivedAt - due,
      };
    }),
  );
  // Linear backoff, base 200 ms: 400 ms after attempt 1, 600 ms after attempt 2, from the answer.
  const backoffLateness = flaky.flatMap((id) => {
    const [first, second, third] = requestsOf(id);
    return [second!.receivedAt - first!.answeredAt! - 400, third!.receivedAt - second!.answeredAt! - 600];
  });
  const lateness = [...delayLateness, ...backoffLateness];
  return { delayed, flaky, delayLateness, backoffLateness, lateness, floorTimerLateness, delayBreakdown };
}
