// When the oldest pending row of a table was written (for the backlog-age gauge); one row read.
import type { Surreal } from 'surrealdb';
import { escapeIdent } from '../db/tableShape.js';

export async function oldestPendingCreatedAt(db: Surreal, table: string): Promise<Date | undefined> {
  const [rows] = await db.query<[{ created_at?: Date | string }[]]>(
    `SELECT created_at FROM ${escapeIdent(table)} WHERE status = 'pending' ORDER BY created_at ASC LIMIT 1`,
  );
  const value = rows?.[0]?.created_at;
  return value === undefined ? undefined : new Date(String(value instanceof Date ? value.toISOString() : value));
}
