// Retention, dry run: the first `limit` terminal rows that finished before the cutoff, oldest
// first, with just what a listing needs (id, status, finish time).
import type { Surreal } from 'surrealdb';
import { escapeIdent, type TableShape } from '../db/tableShape.js';
import { expiredCondition, finishedAtExpression } from './expiredCondition.js';

export interface ExpiredJobKey {
  id: unknown;
  status: string;
  /** updated_at (or created_at, see expiredCondition.ts) as the SDK returns it. */
  finished_at: unknown;
}

export async function selectExpiredJobs(
  db: Surreal,
  shape: Pick<TableShape, 'table' | 'has'>,
  args: { cutoff: Date | undefined; limit: number },
): Promise<ExpiredJobKey[]> {
  const { where, vars } = expiredCondition(shape, args.cutoff);
  const [rows] = await db.query<[ExpiredJobKey[]]>(
    `SELECT id, status, ${finishedAtExpression(shape)} AS finished_at FROM ${escapeIdent(shape.table)}
       WHERE ${where} ORDER BY finished_at ASC, id ASC LIMIT $limit`,
    { ...vars, limit: args.limit },
  );
  return rows ?? [];
}
