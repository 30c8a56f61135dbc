// The schedules API (`runner.schedules`, and the CLI's `schedules` commands): list, create,
// pause, resume, trigger and delete the cron jobs, all on Temporal's Schedules. Schedules made
// here are marked `api` and survive restarts; those from config are reconciled at start.
import { ScheduleAlreadyRunning, ScheduleNotFoundError as TemporalScheduleNotFound, ScheduleOverlapPolicy, type Client } from '@temporalio/client';
import type { JobScheduleConfig, RetentionConfig, RunnerConfig } from '../core/interfaces.js';
import type { BackendRegistry } from '../config/backendRegistry.js';
import { ConfigError, ScheduleExistsError, ScheduleNotFoundError } from '../core/errors.js';
import { normaliseSchedules, type ScheduleInput } from '../config/scheduleConfig.js';
import { MEMO_KEY, jobScheduleOptions, overlapName, schedulePlacement, type ScheduleManager, type ScheduleMemo } from '../orchestration/schedules/scheduleOptions.js';
import { SCHEDULE_ID_PREFIX, scheduleIdFor } from '../core/scheduledJobId.js';
import { checkScheduleTarget } from '../orchestration/schedules/syncSchedules.js';

export type { ScheduleInput };

export interface ScheduleInfo {
  name: string;
  scheduleId: string;
  kind: 'job' | 'retention';
  managedBy: ScheduleManager;
  /** What it was made from (cron or every, zone, backend, path, ...); retention: olderThanMs, everyMs. */
  definition: JobScheduleConfig | RetentionConfig | undefined;
  overlap: string;
  paused: boolean;
  note?: string;
  /** The next slots, as Temporal computed them (UTC instants). */
  nextRuns: Date[];
  /** The latest slots taken: when each was due, when it started, and its workflow. */
  recentRuns: { scheduledAt: Date; takenAt: Date; workflowId: string }[];
}

export interface SchedulesClientDeps {
  client: Client;
  config: RunnerConfig;
  registry: BackendRegistry;
}

export class SchedulesClient {
  constructor(private readonly deps: SchedulesClientDeps) {}

  /** Every schedule of spooky-temporal in the namespace (config, API and retention), by name. */
  async list(): Promise<ScheduleInfo[]> {
    const ids: string[] = [];
    for await (const summary of this.deps.client.schedule.list()) {
      if (summary.memo?.[MEMO_KEY] !== undefined || summary.scheduleId.startsWith(SCHEDULE_ID_PREFIX)) ids.push(summary.scheduleId);
    }
    const infos = await Promise.all(ids.map((id) => this.#describe(id).catch(() => undefined)));
    return infos.filter((info): info is ScheduleInfo => info !== undefined).sort((a, b) => a.name.localeCompare(b.name));
  }

  async describe(name: string): Promise<ScheduleInfo> {
    return this.#describe(scheduleIdFor(name), name);
  }

  /**
   * Creates a schedule with the same fields and checks as config's `schedules:` entries
   * (refused: a bad cron or zone, an unknown backend, an undeclared path, a taken name).
   */
  async create(input: ScheduleInput): Promise<ScheduleInfo> {
    const { config, registry, client } = this.deps;
    const source = `schedule ${typeof input.name === 'string' ? input.name : '(unnamed)'}`;
    let schedule: JobScheduleConfig | undefined;
    try {
      [schedule] = normaliseSchedules([input], config.backends, source, [], []);
      checkScheduleTarget(registry, schedule!.backend, schedule!.path, schedule!.payload, source, '');
    } catch (error) {
      // Keys name the field alone (`cron`, not `[0] (nightly).cron`): there is one schedule here.
      if (error instanceof ConfigError) throw new ConfigError(error.source, error.key.replace(/^\[0\](?: \([^)]*\))?\.?|^\./, ''), error.expected);
      throw error;
    }
    const clash = await this.#nameSharingRowIds(schedule!.name);
    if (clash !== undefined) throw new ScheduleExistsError(schedule!.name, clash);
    const options = jobScheduleOptions(schedule!, schedulePlacement(config, schedule!.backend), 'api');
    try {
      await client.schedule.create(options);
    } catch (error) {
      if (error instanceof ScheduleAlreadyRunning) throw new ScheduleExistsError(schedule!.name);
      throw error;
    }
    return this.describe(schedule!.name);
  }

  /** An existing schedule whose jobs' row keys `name`'s would repeat (`nightly-report` vs `nightly_report`). */
  async #nameSharingRowIds(name: string): Promise<string | undefined> {
    const key = name.replaceAll('-', '_');
    for await (const summary of this.deps.client.schedule.list()) {
      if (!summary.scheduleId.startsWith(SCHEDULE_ID_PREFIX)) continue;
      const existing = summary.scheduleId.slice(SCHEDULE_ID_PREFIX.length);
      if (existing !== name && existing.replaceAll('-', '_') === key) return existing;
    }
    return undefined;
  }

  async pause(name: string, note = 'paused by an operator'): Promise<void> {
    await this.#call(name, (handle) => handle.pause(note));
  }

  async resume(name: string, note = 'resumed by an operator'): Promise<void> {
    await this.#call(name, (handle) => handle.unpause(note));
  }

  /** Runs the schedule's action now, once, whatever its overlap policy (a paused schedule too). */
  async trigger(name: string): Promise<void> {
    await this.#call(name, (handle) => handle.trigger(ScheduleOverlapPolicy.ALLOW_ALL));
  }

  /** Deletes the schedule; jobs it already enqueued are not touched. A config schedule comes back at the next start unless removed from config. */
  async delete(name: string): Promise<void> {
    await this.#call(name, (handle) => handle.delete());
  }

  async #call(name: string, action: (handle: ReturnType<Client['schedule']['getHandle']>) => Promise<void>): Promise<void> {
    try {
      await action(this.deps.client.schedule.getHandle(scheduleIdFor(name)));
    } catch (error) {
      if (error instanceof TemporalScheduleNotFound) throw new ScheduleNotFoundError(name);
      throw error;
    }
  }

  async #describe(scheduleId: string, name?: string): Promise<ScheduleInfo> {
    let description;
    try {
      description = await this.deps.client.schedule.getHandle(scheduleId).describe();
    } catch (error) {
      if (error instanceof TemporalScheduleNotFound) throw new ScheduleNotFoundError(name ?? scheduleId);
      throw error;
    }
    const memo = description.memo?.[MEMO_KEY] as ScheduleMemo | undefined;
    const definition = (description.action.memo as { definition?: JobScheduleConfig | RetentionConfig } | undefined)?.definition;
    return {
      name: memo?.name ?? scheduleId.replace(SCHEDULE_ID_PREFIX, ''),
      scheduleId,
      kind: memo?.kind ?? 'job',
      managedBy: memo?.managedBy ?? 'api',
      definition,
      overlap: overlapName(description.policies.overlap),
      paused: description.state.paused,
      ...(description.state.note ? { note: description.state.note } : {}),
      nextRuns: description.info.nextActionTimes.slice(0, 5),
      recentRuns: description.info.recentActions.map((run) => ({
        scheduledAt: run.scheduledAt,
        takenAt: run.takenAt,
        workflowId: run.action.workflow.workflowId,
      })),
    };
  }
}
