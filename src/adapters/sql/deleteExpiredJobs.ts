// Retention: deletes one batch (at most `limit` rows) of terminal rows that finished before the
// cutoff and returns their ids. DELETE has no LIMIT, so the batch is picked by a subquery; the
// outer WHERE checks each row again inside the same statement, so a row retried meanwhile
// (pending again) is never deleted. One statement = one short transaction: callers loop
// until a batch comes back smaller than `limit`.
import type { Surreal } from 'surrealdb';
import { escapeIdent, type TableShape } from '../db/tableShape.js';
import { expiredCondition } from './expiredCondition.js';

export async function deleteExpiredJobs(
  db: Surreal,
  shape: Pick<TableShape, 'table' | 'has'>,
  args: { cutoff: Date | undefined; limit: number },
): Promise<string[]> {
  const t = escapeIdent(shape.table);
  const { where, vars } = expiredCondition(shape, args.cutoff);
  const [ids] = await db.query<[unknown[]]>(
    `DELETE (SELECT VALUE id FROM ${t} WHERE ${where} LIMIT $limit) WHERE ${where} RETURN VALUE $before.id`,
    { ...vars, limit: args.limit },
  );
  return (ids ?? []).map((id) => String(id));
}
