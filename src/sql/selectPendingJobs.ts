// One page of pending jobs, oldest first. Keyset paging on (created_at, id) keeps memory
// bounded and stays correct while earlier rows leave the pending set under our feet.
import type { Surreal } from 'surrealdb';
import { escapeIdent } from '../db/tableShape.js';

export interface PendingCursor {
  createdAt: unknown;
  id: unknown;
}

export async function selectPendingJobs(
  db: Surreal,
  table: string,
  after: PendingCursor | undefined,
  limit: number,
): Promise<Record<string, unknown>[]> {
  const t = escapeIdent(table);
  const where = after ? ' AND (created_at > $c OR (created_at = $c AND id > $id))' : '';
  const [rows] = await db.query<[Record<string, unknown>[]]>(
    `SELECT * FROM ${t} WHERE status = 'pending'${where} ORDER BY created_at ASC, id ASC LIMIT $limit`,
    { c: after?.createdAt, id: after?.id, limit },
  );
  return rows ?? [];
}
