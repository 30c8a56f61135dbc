// One page of pending jobs' keys (id, created_at, run), oldest first: enough to skip the rows
// whose workflow is known to run without reading (and decoding) whole rows on every pass.
// Keyset paging on (created_at, id) keeps memory bounded and stays correct while earlier rows
// leave the pending set under our feet.
// With the (status, created_at) index that our schema deploy defines, the index already yields
// rows in created_at order, and an ORDER BY would make SurrealDB sort every pending row for each
// page (10,000 pending rows took 5.6 s to page through with it, 0.2 s without); rows sharing the
// cursor's created_at come from a separate, id-ordered query, so ties are neither skipped nor
// repeated. A table defined as in Sp00ky's docs has no such index, and a scan returns rows in
// record id order: there the page is sorted explicitly, or rows would be skipped (250 pending
// rows, one catch-up saw 152).
import type { Surreal } from 'surrealdb';
import { escapeIdent, type TableShape } from '../db/tableShape.js';

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
  shape: Pick<TableShape, 'table' | 'hasPendingIndex'>,
  after: PendingCursor | undefined,
  limit: number,
): Promise<PendingKey[]> {
  const t = escapeIdent(shape.table);
  const fields = 'id, created_at, run';
  if (!shape.hasPendingIndex) {
    const later = after ? 'AND (created_at > $c OR (created_at = $c AND id > $id))' : '';
    const [rows] = await db.query<[PendingKey[]]>(
      `SELECT ${fields} FROM ${t} WHERE status = 'pending' ${later} ORDER BY created_at, id LIMIT $limit`,
      { c: after?.createdAt, id: after?.id, limit },
    );
    return rows ?? [];
  }
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
