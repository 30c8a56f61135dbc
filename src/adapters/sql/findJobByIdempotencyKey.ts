// The job holding an idempotency key in one table, if any (the key is unique per table).
import type { Surreal } from 'surrealdb';
import { escapeIdent } from '../db/tableShape.js';

export async function findJobByIdempotencyKey(db: Surreal, table: string, key: string): Promise<string | undefined> {
  const [ids] = await db.query<[unknown[]]>(`SELECT VALUE id FROM ${escapeIdent(table)} WHERE idempotency_key = $key LIMIT 1`, { key });
  return ids?.[0] === undefined ? undefined : String(ids[0]);
}
