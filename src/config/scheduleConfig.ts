// The `schedules:` and `retention:` sections (same keys in sp00ky.yml and in the config object):
// cron jobs on Temporal Schedules, and the removal of old finished rows. Every problem is a
// ConfigError naming the schedule and the field.
import { z } from 'zod';
import type { BackendConfig, JobScheduleConfig, OverlapPolicyName, RetentionConfig } from '../core/interfaces.js';
import { parseDuration } from '../core/duration.js';
import { configError, dotted, parseWith } from './configErrors.js';
import { ConfigError } from '../core/errors.js';
import { cronProblem, timeZoneProblem } from './cronExpression.js';
import { RETENTION_SCHEDULE_NAME } from '../core/scheduledJobId.js';
import { priorityLevel } from '../core/enqueueOptions.js';

export const SCHEDULE_DEFAULTS = {
  timezone: 'UTC',
  overlap: 'skip' as OverlapPolicyName,
  /** Temporal's own default is a year; a job that is an hour late is usually still wanted, a week late is not. */
  catchupWindowMs: 3_600_000,
  maxRetries: 3,
  retentionEveryMs: 3_600_000,
} as const;

export const OVERLAP_POLICIES = ['skip', 'buffer_one', 'buffer_all', 'cancel_other', 'terminate_other', 'allow_all'] as const;

// Schedule names become schedule ids and row ids (`job:sched_<name>_<slot>`): keep them plain.
const SCHEDULE_NAME_RE = /^[A-Za-z0-9][A-Za-z0-9_-]{0,62}$/;

const PRIORITY_EXPECTED = 'expected priority: critical, high, normal, low, or a number from 1 (first) to 5 (last)';

const duration = (what: string) =>
  z.union([z.string(), z.number()], { error: `expected ${what} as a duration such as 30s, 15m, 1h or 7d` }).transform((value, ctx) => {
    if (typeof value === 'number') return value;
    try {
      return parseDuration(value);
    } catch (error) {
      ctx.addIssue({ code: 'custom', message: `${what}: ${(error as Error).message}` });
      return z.NEVER;
    }
  });

const scheduleEntry = z
  .object({
    name: z.string({ error: 'expected the schedule name as a string' }).regex(SCHEDULE_NAME_RE, {
      error: 'expected a schedule name of letters, digits, _ and -, starting with a letter or digit, at most 63 characters (e.g. nightly-report)',
    }),
    cron: z.string({ error: 'expected cron as a string such as "0 3 * * *"' }).optional(),
    every: duration('every').optional(),
    timezone: z.string({ error: 'expected timezone as an IANA name such as Europe/Berlin' }).default(SCHEDULE_DEFAULTS.timezone),
    backend: z.string({ error: 'expected backend as the name of a configured backend' }).optional(),
    path: z.string({ error: 'expected path as a string such as /reports/nightly' }).startsWith('/', { error: 'expected path to start with /' }),
    payload: z.unknown().optional(),
    overlap: z.enum(OVERLAP_POLICIES, { error: `expected overlap: one of ${OVERLAP_POLICIES.join(', ')}` }).default(SCHEDULE_DEFAULTS.overlap),
    catchupWindow: duration('catchupWindow').default(SCHEDULE_DEFAULTS.catchupWindowMs),
    paused: z.boolean({ error: 'expected paused as true or false' }).default(false),
    maxRetries: z.int({ error: 'expected maxRetries as a whole number ≥ 0' }).min(0).default(SCHEDULE_DEFAULTS.maxRetries),
    retryStrategy: z.enum(['linear', 'exponential'], { error: 'expected retryStrategy: linear or exponential' }).optional(),
    // The same names and levels as the builder's `.priority()`: `high` or 2.
    priority: z
      .union([z.string(), z.number()], { error: PRIORITY_EXPECTED })
      .transform((value, ctx) => {
        try {
          return priorityLevel(value);
        } catch {
          ctx.addIssue({ code: 'custom', message: `${PRIORITY_EXPECTED}, got ${JSON.stringify(value)}` });
          return z.NEVER;
        }
      })
      .optional(),
    // Fairness between tenants, as the builder's `.fairnessKey()`: e.g. one schedule per tenant.
    fairnessKey: z.string({ error: 'expected fairnessKey as a string, e.g. a tenant id' }).min(1, { error: 'expected fairnessKey of 1–255 characters' }).max(255, { error: 'expected fairnessKey of 1–255 characters' }).optional(),
    queue: z.string({ error: 'expected queue as a string' }).regex(/^[A-Za-z0-9][A-Za-z0-9_.-]{0,99}$/, { error: 'expected a queue name of letters, digits, _ . -' }).optional(),
  })
  .strict();

const retentionEntry = z
  .object({
    olderThan: duration('olderThan'),
    every: duration('every').default(SCHEDULE_DEFAULTS.retentionEveryMs),
  })
  .strict();

export const schedulesSection = z.array(scheduleEntry, { error: 'expected schedules: a list of schedule entries (name, cron or every, path, ...)' });
export const retentionSection = retentionEntry;

export type ScheduleInput = z.input<typeof scheduleEntry>;
export type RetentionInput = z.input<typeof retentionEntry>;

/** parseWith, with the schedule's name in the key of a field error: `schedules[0] (nightly).overlap`. */
function parseNamingSchedule(raw: unknown, source: string, prefix: PropertyKey[], secrets: readonly string[]) {
  try {
    return parseWith(schedulesSection, raw, source, prefix, secrets);
  } catch (error) {
    if (!(error instanceof ConfigError) || !Array.isArray(raw)) throw error;
    const at = `${dotted(prefix)}[`;
    const index = error.key.startsWith(at) ? Number.parseInt(error.key.slice(at.length), 10) : Number.NaN;
    const name = (raw[index] as { name?: unknown } | undefined)?.name;
    if (typeof name !== 'string' || !SCHEDULE_NAME_RE.test(name)) throw error;
    throw configError(source, error.key.replace(`[${index}]`, `[${index}] (${name})`), error.expected, secrets);
  }
}

/** Validates `schedules:` against the backends; `prefix` is where the list sits (e.g. ['schedules']). */
export function normaliseSchedules(
  raw: unknown,
  backends: readonly BackendConfig[],
  source: string,
  prefix: PropertyKey[],
  secrets: readonly string[],
): JobScheduleConfig[] {
  if (raw === undefined || raw === null) return [];
  const entries = parseNamingSchedule(raw, source, prefix, secrets);
  const seen = new Set<string>();
  return entries.map((entry, index) => {
    const at = (field: string) => dotted([...prefix, index, field]).replace(`[${index}]`, `[${index}] (${entry.name})`);
    const fail = (field: string, expected: string) => configError(source, at(field), expected, secrets);
    if (entry.name === RETENTION_SCHEDULE_NAME) throw fail('name', `"${RETENTION_SCHEDULE_NAME}" is reserved for the retention schedule (see retention:): pick another name`);
    const key = entry.name.replaceAll('-', '_');
    if (seen.has(key)) throw fail('name', `schedule name "${entry.name}" is used twice (names differing only in - and _ count as the same): give each schedule a unique name`);
    seen.add(key);
    if ((entry.cron === undefined) === (entry.every === undefined)) {
      throw fail('cron', 'expected exactly one of cron (e.g. "0 3 * * *") or every (e.g. 15m)');
    }
    if (entry.cron !== undefined) {
      const problem = cronProblem(entry.cron);
      if (problem) throw fail('cron', problem);
    }
    if (entry.every !== undefined && entry.every < 1_000) throw fail('every', 'expected every to be at least 1s');
    const zoneProblem = timeZoneProblem(entry.timezone);
    if (zoneProblem) throw fail('timezone', zoneProblem);
    const backend = entry.backend === undefined ? (backends.length === 1 ? backends[0] : undefined) : backends.find((b) => b.name === entry.backend);
    if (!backend) {
      const known = backends.map((b) => b.name).join(', ');
      throw fail('backend', entry.backend === undefined ? `expected backend (one of ${known}): there is more than one` : `unknown backend "${entry.backend}": expected one of ${known}`);
    }
    if (entry.maxRetries > backend.maxRetriesLimit) {
      throw fail('maxRetries', `expected maxRetries ≤ backend ${backend.name}'s maxRetriesLimit (${backend.maxRetriesLimit})`);
    }
    return {
      name: entry.name,
      ...(entry.cron !== undefined ? { cron: entry.cron.trim() } : { everyMs: entry.every! }),
      timezone: entry.timezone,
      backend: backend.name,
      table: backend.table,
      path: entry.path,
      payload: entry.payload ?? {},
      overlap: entry.overlap,
      catchupWindowMs: entry.catchupWindow,
      paused: entry.paused,
      maxRetries: entry.maxRetries,
      retryStrategy: entry.retryStrategy ?? 'linear',
      ...(entry.priority !== undefined ? { priority: entry.priority } : {}),
      ...(entry.queue !== undefined ? { queue: entry.queue } : {}),
      ...(entry.fairnessKey !== undefined ? { fairnessKey: entry.fairnessKey } : {}),
    };
  });
}

export function normaliseRetention(raw: unknown, source: string, prefix: PropertyKey[], secrets: readonly string[]): RetentionConfig | undefined {
  if (raw === undefined || raw === null) return undefined;
  const entry = parseWith(retentionSection, raw, source, prefix, secrets);
  if (entry.olderThan < 60_000) throw configError(source, dotted([...prefix, 'olderThan']), 'expected olderThan to be at least 1m (e.g. 7d)', secrets);
  if (entry.every < 1_000) throw configError(source, dotted([...prefix, 'every']), 'expected every to be at least 1s (e.g. 1h)', secrets);
  return { olderThanMs: entry.olderThan, everyMs: entry.every };
}
