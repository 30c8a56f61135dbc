// Reconciles the config's schedules (and retention) with Temporal's Schedules at start: a new
// one is created, a changed one updated, one removed from config deleted. Schedules created
// through the API or the CLI are left alone. Safe with several runners starting at once: each
// step tolerates the others having done it first.
import { ScheduleAlreadyRunning, ScheduleNotFoundError, type Client, type ScheduleOptions } from '@temporalio/client';
import type { Logger } from 'pino';
import type { RunnerConfig } from '../../core/interfaces.js';
import type { BackendRegistry } from '../../config/backendRegistry.js';
import { ConfigError } from '../../core/errors.js';
import { CONFIG_DEFAULTS } from '../../config/schema.js';
import { payloadProblem } from '../../core/jobLimits.js';
import { MEMO_KEY, asUpdate, jobScheduleOptions, retentionScheduleOptions, schedulePlacement, type ScheduleMemo } from './scheduleOptions.js';

export interface SyncReport {
  created: string[];
  updated: string[];
  deleted: string[];
  unchanged: string[];
}

/** The schedules the config declares, as Temporal options; a path or payload the backend refuses is a ConfigError. */
export function desiredSchedules(config: RunnerConfig, registry: BackendRegistry): ScheduleOptions[] {
  const options = (config.schedules ?? []).map((schedule, index) => {
    checkScheduleTarget(registry, schedule.backend, schedule.path, schedule.payload, config.source, `schedules[${index}] (${schedule.name})`);
    return jobScheduleOptions(schedule, schedulePlacement(config, schedule.backend), 'config');
  });
  if (config.retention) options.push(retentionScheduleOptions(config.retention, schedulePlacement(config), [...new Set(config.backends.map((b) => b.table))]));
  return options;
}

/** The backend must declare the path as a POST operation and accept the payload. */
export function checkScheduleTarget(registry: BackendRegistry, backend: string, path: string, payload: unknown, source: string, key: string): void {
  try {
    registry.assertDeclaredPath(backend, path);
  } catch (error) {
    throw new ConfigError(source, `${key}.path`, (error as Error).message);
  }
  // Each slot's row would end invalid: refuse the schedule instead.
  const config = registry.byBackendName(backend);
  const tooLarge = config && payloadProblem(payload, config);
  if (tooLarge) throw new ConfigError(source, `${key}.payload`, tooLarge.reason);
  const check = registry.validatePayload(backend, path, payload);
  if (!check.ok) throw new ConfigError(source, `${key}.payload`, `expected a payload matching the request schema of POST ${path}: ${check.reason}`);
}

export async function syncSchedules(client: Client, config: RunnerConfig, registry: BackendRegistry, logger: Logger): Promise<SyncReport> {
  const desired = desiredSchedules(config, registry);
  const deployment = config.deployment ?? CONFIG_DEFAULTS.deployment;
  const report: SyncReport = { created: [], updated: [], deleted: [], unchanged: [] };
  for (const options of desired) {
    const outcome = await ensureSchedule(client, options);
    report[outcome].push(options.scheduleId);
  }
  const wanted = new Set(desired.map((o) => o.scheduleId));
  for await (const summary of client.schedule.list()) {
    const memo = summary.memo?.[MEMO_KEY] as ScheduleMemo | undefined;
    if (memo?.managedBy !== 'config' || memo.deployment !== deployment || wanted.has(summary.scheduleId)) continue;
    try {
      await client.schedule.getHandle(summary.scheduleId).delete();
      report.deleted.push(summary.scheduleId);
    } catch (error) {
      if (!(error instanceof ScheduleNotFoundError)) throw error;
    }
  }
  if (report.created.length + report.updated.length + report.deleted.length > 0) {
    logger.info({ created: report.created, updated: report.updated, deleted: report.deleted }, 'schedules reconciled with the config');
  }
  return report;
}

/** Creates the schedule, or updates it when the options it was made from changed. */
export async function ensureSchedule(client: Client, options: ScheduleOptions): Promise<'created' | 'updated' | 'unchanged'> {
  const handle = client.schedule.getHandle(options.scheduleId);
  const wantedHash = (options.action.memo as { configHash?: string } | undefined)?.configHash;
  for (let attempt = 1; ; attempt++) {
    let current;
    try {
      current = await handle.describe();
    } catch (error) {
      if (!(error instanceof ScheduleNotFoundError)) throw error;
      try {
        await client.schedule.create(options);
        return 'created';
      } catch (createError) {
        // Another runner created it between our describe and create: compare with theirs.
        if (createError instanceof ScheduleAlreadyRunning && attempt < 3) continue;
        throw createError;
      }
    }
    const currentHash = (current.action.memo as { configHash?: string } | undefined)?.configHash;
    if (currentHash === wantedHash) return 'unchanged';
    await handle.update(() => asUpdate(options) as never);
    return 'updated';
  }
}
