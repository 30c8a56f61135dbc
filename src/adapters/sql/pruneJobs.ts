// Retention: deletes the terminal jobs (success, failed) that finished more than `olderThanMs`
// ago, table by table, in batches of short DELETE statements (100k old rows never make one
// giant transaction). Pending and processing rows are never touched, whatever their age.
// A dry run deletes nothing and reports what a real run with the same cutoff would delete.
// Plain JSON in and out (times as ISO strings), so a Temporal activity can call it as it is.
import type { Surreal } from 'surrealdb';
import { SpookyTemporalError } from '../../core/errors.js';
import type { TableShapes } from '../db/tableShape.js';
import { countExpiredJobs } from './countExpiredJobs.js';
import { deleteExpiredJobs } from './deleteExpiredJobs.js';
import { selectExpiredJobs } from './selectExpiredJobs.js';

export const DEFAULT_PRUNE_BATCH_SIZE = 500;
export const DEFAULT_PRUNE_SAMPLE_LIMIT = 20;

export interface PruneOptions {
  /**
   * Take jobs that finished more than this many milliseconds before `now` (finish time:
   * updated_at, or created_at on tables without it). Omitted: every terminal job, whatever its age.
   */
  olderThanMs?: number;
  /** Delete nothing; count (and list the first `sampleLimit` per table) what would go. */
  dryRun?: boolean;
  /** The clock the cutoff is computed from (default: now). */
  now?: Date;
  /** Dry run: rows listed per table, oldest first (default 20; 0 lists none). */
  sampleLimit?: number;
  /** Rows per DELETE statement (default 500). */
  batchSize?: number;
  /**
   * Stop after this many DELETE batches in all (default: none); the result's `complete` says
   * whether everything was deleted. Lets a workflow prune in short steps.
   */
  maxBatches?: number;
  /** Called after each DELETE batch (e.g. to heartbeat a Temporal activity). */
  onBatch?: (progress: { table: string; deleted: number; totalDeleted: number }) => void;
}

/** One row a dry run would delete. */
export interface ExpiredJob {
  id: string;
  table: string;
  status: 'success' | 'failed';
  /** ISO time the job finished (updated_at, or created_at on tables without it). */
  finishedAt: string;
}

export interface PruneResult {
  dryRun: boolean;
  /** ISO time: jobs that finished before it were taken. Absent without `olderThanMs`. */
  cutoff?: string;
  /** Per table: jobs deleted; in a dry run, jobs a real run with this cutoff would delete. */
  counts: Record<string, number>;
  /** Dry run: the first `sampleLimit` rows per table that would go, oldest first; [] otherwise. */
  jobs: ExpiredJob[];
}

/** Options of clear/prune that do not go together or are out of range; the message says how to fix it. */
export class ClearOptionsError extends SpookyTemporalError {}

export async function pruneJobs(
  db: Surreal,
  shapes: Pick<TableShapes, 'get'>,
  tables: readonly string[],
  options: PruneOptions = {},
): Promise<PruneResult> {
  return (await pruneJobsInSteps(db, shapes, tables, options)).result;
}

/** pruneJobs, and whether it deleted every expired row (false when `maxBatches` stopped it). */
export async function pruneJobsInSteps(
  db: Surreal,
  shapes: Pick<TableShapes, 'get'>,
  tables: readonly string[],
  options: PruneOptions = {},
): Promise<{ result: PruneResult; complete: boolean }> {
  const { olderThanMs, dryRun = false } = options;
  const batchSize = options.batchSize ?? DEFAULT_PRUNE_BATCH_SIZE;
  const sampleLimit = options.sampleLimit ?? DEFAULT_PRUNE_SAMPLE_LIMIT;
  if (olderThanMs !== undefined && !(Number.isFinite(olderThanMs) && olderThanMs >= 0)) {
    throw new ClearOptionsError(`olderThanMs must be a number of milliseconds ≥ 0 (e.g. 604800000 for 7 days), got ${olderThanMs}`);
  }
  if (!Number.isInteger(batchSize) || batchSize < 1) {
    throw new ClearOptionsError(`batchSize must be a whole number ≥ 1 (default ${DEFAULT_PRUNE_BATCH_SIZE}), got ${batchSize}`);
  }
  if (!Number.isInteger(sampleLimit) || sampleLimit < 0) {
    throw new ClearOptionsError(`sampleLimit must be a whole number ≥ 0 (default ${DEFAULT_PRUNE_SAMPLE_LIMIT}), got ${sampleLimit}`);
  }
  const now = options.now ?? new Date();
  const cutoff = olderThanMs === undefined ? undefined : new Date(now.getTime() - olderThanMs);
  const counts: Record<string, number> = {};
  const jobs: ExpiredJob[] = [];
  let batchesLeft = options.maxBatches ?? Infinity;
  let complete = true;
  for (const table of new Set(tables)) {
    const shape = await shapes.get(table);
    if (dryRun) {
      counts[table] = await countExpiredJobs(db, shape, { cutoff });
      if (sampleLimit === 0 || counts[table] === 0) continue;
      for (const row of await selectExpiredJobs(db, shape, { cutoff, limit: sampleLimit })) {
        jobs.push({ id: String(row.id), table, status: row.status as ExpiredJob['status'], finishedAt: isoTime(row.finished_at) });
      }
      continue;
    }
    let total = 0;
    for (;;) {
      if (batchesLeft-- <= 0) {
        complete = false;
        break;
      }
      const deleted = await deleteExpiredJobs(db, shape, { cutoff, limit: batchSize });
      total += deleted.length;
      if (deleted.length > 0) options.onBatch?.({ table, deleted: deleted.length, totalDeleted: total });
      if (deleted.length < batchSize) break;
    }
    counts[table] = total;
    if (!complete) break;
  }
  return { result: { dryRun, ...(cutoff ? { cutoff: cutoff.toISOString() } : {}), counts, jobs }, complete };
}

/** SurrealDB datetimes arrive as the SDK's DateTime (with toDate()), Date, or ISO strings. */
function isoTime(value: unknown): string {
  const date =
    value instanceof Date
      ? value
      : typeof (value as { toDate?: unknown })?.toDate === 'function'
        ? (value as { toDate(): Date }).toDate()
        : new Date(String(value));
  return Number.isNaN(date.getTime()) ? String(value) : date.toISOString();
}
