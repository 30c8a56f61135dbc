// The schedules' gauges: when each of this deployment's schedules runs next, and whether it is
// paused, refreshed by one schedule list every 15 s by default (the list carries both, so no
// describe per schedule). Served by processes that run the bridge, which reconcile the schedules.
import { Gauge, type Registry } from 'prom-client';
import type { Client } from '@temporalio/client';
import type { Logger } from 'pino';
import { MEMO_KEY, type ScheduleMemo } from '../../orchestration/schedules/scheduleOptions.js';
import { SCHEDULE_ID_PREFIX } from '../../core/scheduledJobId.js';
import { refreshPeriodically, type PeriodicRefresh } from './refreshPeriodically.js';

export interface ScheduleSources {
  client: Client;
  /** Only this deployment's schedules (config, API and retention): another deployment's runners report theirs. */
  deployment: string;
  logger: Logger;
  refreshIntervalMs?: number;
  /** Deadline of one refresh (the whole list), ms; default 5 s. */
  timeoutMs?: number;
}

export function feedScheduleMetrics(sources: ScheduleSources, metrics: Registry): PeriodicRefresh {
  const nextRun = new Gauge({
    name: 'spooky_schedule_next_run_timestamp_seconds',
    help: "Next action of each schedule, Unix seconds (Temporal's nextActionTimes)",
    labelNames: ['schedule'],
    registers: [metrics],
  });
  const paused = new Gauge({ name: 'spooky_schedule_paused', help: 'Whether each schedule is paused (1) or not (0)', labelNames: ['schedule'], registers: [metrics] });

  const timeoutMs = sources.timeoutMs ?? 5_000;
  return refreshPeriodically(
    'schedule metrics',
    async () => {
      const found = await sources.client.withDeadline(Date.now() + timeoutMs, async () => {
        const ours: { name: string; nextMs: number | undefined; paused: boolean }[] = [];
        for await (const summary of sources.client.schedule.list()) {
          const memo = summary.memo?.[MEMO_KEY] as ScheduleMemo | undefined;
          // Without our memo, the id prefix alone cannot tell which deployment it belongs to.
          if (memo?.deployment !== sources.deployment) continue;
          const name = memo.name ?? summary.scheduleId.replace(SCHEDULE_ID_PREFIX, '');
          ours.push({ name, nextMs: summary.info.nextActionTimes[0]?.getTime(), paused: summary.state.paused });
        }
        return ours;
      });
      // Set all at once, so a deleted schedule drops out rather than lingering.
      nextRun.reset();
      paused.reset();
      for (const schedule of found) {
        // A paused schedule (or one whose spec has no future time) has no next action: no sample.
        if (schedule.nextMs !== undefined) nextRun.set({ schedule: schedule.name }, schedule.nextMs / 1000);
        paused.set({ schedule: schedule.name }, schedule.paused ? 1 : 0);
      }
    },
    sources.logger,
    sources.refreshIntervalMs,
  );
}
