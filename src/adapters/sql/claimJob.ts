// The fence before every HTTP call: pending → processing, as a compare-and-set keyed by
// run and attempt. A repeat of the same claim (the activity retried on another worker after
// a crash) succeeds; a killed or finished job, an older attempt or an older run is refused.
import type { Surreal } from 'surrealdb';
import type { TableShape } from '../db/tableShape.js';
import { toRecordId } from '../db/recordId.js';
import { setClause } from './setClause.js';
import { keyVars, runAndKillConditions, type AttemptKey } from './attemptKey.js';

/** What the claim read from the row: when it was written and when it was due (epoch ms), for metrics. */
export interface ClaimedJob {
  createdAtMs?: number;
  dueAtMs?: number;
}

export async function claimJob(db: Surreal, shape: TableShape, args: { key: AttemptKey; assignee: string }): Promise<boolean> {
  return (await claimJobRow(db, shape, args)) !== undefined;
}

/** The claim, returning the row's times (read by the same statement, so free), or undefined when refused. */
export async function claimJobRow(
  db: Surreal,
  shape: TableShape,
  args: { key: AttemptKey; assignee: string },
): Promise<ClaimedJob | undefined> {
  const set = setClause(shape, {
    status: "'processing'",
    retries: '$prior',
    assignee: '$assignee',
    updated_at: 'time::now()',
  });
  const [rows] = await db.query<[{ created_at?: unknown; delay?: unknown }[]]>(
    `UPDATE $id SET ${set}
       WHERE ((status = 'pending' AND retries <= $prior) OR (status = 'processing' AND retries = $prior))
       ${runAndKillConditions(shape, args.key, true)}
       RETURN created_at, delay`,
    { id: toRecordId(args.key.jobId), assignee: args.assignee, ...keyVars(args.key) },
  );
  const row = rows?.[0];
  if (!row) return undefined;
  const createdAtMs = epochMs(row.created_at);
  if (createdAtMs === undefined) return {};
  return { createdAtMs, dueAtMs: createdAtMs + (typeof row.delay === 'number' ? row.delay : 0) };
}

/** A SurrealDB datetime (the SDK's DateTime, a Date or an ISO string) as epoch ms. */
function epochMs(value: unknown): number | undefined {
  if (value === undefined || value === null) return undefined;
  const ms = value instanceof Date ? value.getTime() : Date.parse(String((value as { toISOString?: () => string }).toISOString?.() ?? value));
  return Number.isNaN(ms) ? undefined : ms;
}
