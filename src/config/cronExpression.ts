// Checks a schedule's cron expression and time zone before Temporal sees them. Pure: the
// matching itself is Temporal's (its Schedules fire the slots); this only refuses what it
// would refuse, with a message that says what is accepted.
import { CronExpressionParser } from 'cron-parser';

const MACROS = new Set(['@yearly', '@annually', '@monthly', '@weekly', '@daily', '@midnight', '@hourly']);

/** Why a cron expression is unusable, or undefined. Five fields (minute hour day month weekday) or a macro. */
export function cronProblem(expression: string): string | undefined {
  const text = expression.trim();
  if (MACROS.has(text)) return undefined;
  const fields = text.split(/\s+/).filter(Boolean);
  if (fields.length !== 5) {
    return `expected 5 fields (minute hour day-of-month month day-of-week, e.g. "0 3 * * *") or one of ${[...MACROS].join(', ')}; got ${fields.length} field(s) in ${JSON.stringify(text.slice(0, 80))}`;
  }
  try {
    CronExpressionParser.parse(text, { tz: 'UTC' });
    return undefined;
  } catch (error) {
    return `invalid cron expression ${JSON.stringify(text.slice(0, 80))} (${(error as Error).message}); e.g. "*/15 * * * *" for every 15 minutes`;
  }
}

/** Why a time zone is unusable, or undefined. IANA names only, e.g. Europe/Berlin or UTC. */
export function timeZoneProblem(zone: string): string | undefined {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: zone });
  } catch {
    return `unknown time zone ${JSON.stringify(zone.slice(0, 60))}: expected an IANA name such as UTC, Europe/Berlin or America/New_York`;
  }
  // Intl also accepts offsets ("+01:00") and some abbreviations Temporal's server does not load.
  if (!/^[A-Za-z_]+(?:\/[A-Za-z0-9_+-]+)*$/.test(zone)) {
    return `time zone ${JSON.stringify(zone.slice(0, 60))} is not an IANA name: expected e.g. UTC or Europe/Berlin (no offsets)`;
  }
  return undefined;
}
