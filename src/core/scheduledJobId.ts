// Names derived from a schedule. Pure and sandbox-safe (workflow code uses them too).

/** Temporal schedule id of a config or API schedule: `spooky:<name>`. */
export function scheduleIdFor(name: string): string {
  return `${SCHEDULE_ID_PREFIX}${name}`;
}
export const SCHEDULE_ID_PREFIX = 'spooky:';
/** The retention schedule's name (reserved: no job schedule may take it). */
export const RETENTION_SCHEDULE_NAME = 'retention';
export const RETENTION_SCHEDULE_ID = `spooky:${RETENTION_SCHEDULE_NAME}`;

/**
 * The row key of a schedule's job for one slot: `sched_<name>_<YYYYMMDDTHHMMSS>Z` (milliseconds
 * added when the slot has them). A repeat of the slot (a retried activity, a second runner)
 * derives the same key, so it finds the row instead of creating a second one.
 */
export function scheduledJobKey(name: string, slotMs: number): string {
  const iso = new Date(slotMs).toISOString(); // 2026-11-25T03:00:00.000Z
  const [date, time] = iso.slice(0, -1).split('T') as [string, string];
  const [hms, ms] = time.split('.') as [string, string];
  const stamp = `${date.replaceAll('-', '')}T${hms.replaceAll(':', '')}${ms === '000' ? '' : ms}Z`;
  return `sched_${name.replaceAll('-', '_')}_${stamp}`;
}
