// One page of pending jobs' keys (id, created_at, run), oldest first: enough to skip the rows
// whose workflow is known to run without reading (and decoding) whole rows on every pass. Keyset paging on (created_at, id) keeps memory
// bounded and stays correct while earlier rows leave the pending set under our feet.
// No ORDER BY: the (status, created_at) index already yields rows in that order, and an
// ORDER BY makes SurrealDB sort every pending row for each page (10,000 pending rows took
// 5.6 s to page through with it, 0.2 s without). Rows sharing the cursor's created_at come
// from a separate, id-ordered query, so ties are neither skipped nor repeated.
import type { Surreal } from 'surrealdb';
import { escapeIdent } from '../db/tableShape.js';

export interface PendingCursor {
  createdAt: unknown;
  id: unknown;
}

export interface PendingKey {
  id: unknown;
  created_at: unknown;
  run?: unknown;
}

export async function selectPendingJobs(
  db: Surreal,
  table: string,
  after: PendingCursor | undefined,
  limit: number,
): Promise<PendingKey[]> {
  const t = escapeIdent(table);
  const fields = 'id, created_at, run';
  if (!after) {
    const [rows] = await db.query<[PendingKey[]]>(`SELECT ${fields} FROM ${t} WHERE status = 'pending' LIMIT $limit`, { limit });
    return rows ?? [];
  }
  const [ties, later] = await db.query<[PendingKey[], PendingKey[]]>(
    `SELECT ${fields} FROM ${t} WHERE status = 'pending' AND created_at = $c AND id > $id ORDER BY id LIMIT $limit;
     SELECT ${fields} FROM ${t} WHERE status = 'pending' AND created_at > $c LIMIT $limit;`,
    { c: after.createdAt, id: after.id, limit },
  );
  return [...(ties ?? []), ...(later ?? [])].slice(0, limit);
}
