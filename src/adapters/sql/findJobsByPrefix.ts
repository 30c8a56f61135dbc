// `jobs get <prefix>`: job ids of one table whose key starts with a prefix (the exact key first).
import type { Surreal } from 'surrealdb';
import { escapeIdent } from '../db/tableShape.js';

export async function findJobsByPrefix(
  db: Surreal,
  table: string,
  keyPrefix: string,
  limit: number,
): Promise<{ id: string; key: string }[]> {
  const [rows] = await db.query<[{ id: unknown; key: unknown }[]]>(
    `SELECT id, <string> record::id(id) AS key FROM ${escapeIdent(table)}
       WHERE string::starts_with(<string> record::id(id), $prefix)
       ORDER BY key ASC LIMIT $limit`,
    { prefix: keyPrefix, limit },
  );
  return (rows ?? []).map((row) => ({ id: String(row.id), key: String(row.key) }));
}
