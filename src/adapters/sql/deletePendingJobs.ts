// `clear --all`, pending part: deletes one batch (at most `limit`) of pending rows and returns
// them as they were, so their workflows can be cancelled. DELETE has no LIMIT: the batch is
// picked by a subquery and checked again by the outer WHERE, so a row claimed meanwhile
// (processing) is never deleted. Callers loop until a batch comes back smaller than `limit`.
import type { Surreal } from 'surrealdb';
import { escapeIdent } from '../db/tableShape.js';

export async function deletePendingJobs(db: Surreal, table: string, limit: number): Promise<unknown[]> {
  const t = escapeIdent(table);
  const [rows] = await db.query<[unknown[]]>(
    `DELETE (SELECT VALUE id FROM ${t} WHERE status = 'pending' LIMIT $limit) WHERE status = 'pending' RETURN BEFORE`,
    { limit },
  );
  return rows ?? [];
}
