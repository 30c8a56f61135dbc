// Jobs in flight that have not changed for a while: reconciliation checks their workflows.
import type { Surreal } from 'surrealdb';
import { escapeIdent } from '../db/tableShape.js';

export async function selectStaleProcessingJobs(
  db: Surreal,
  table: string,
  olderThanMs: number,
  limit: number,
): Promise<Record<string, unknown>[]> {
  const [rows] = await db.query<[Record<string, unknown>[]]>(
    `SELECT * FROM ${escapeIdent(table)} WHERE status = 'processing' AND updated_at < time::now() - <duration> $age ORDER BY updated_at ASC LIMIT $limit`,
    { age: `${Math.round(olderThanMs)}ms`, limit },
  );
  return rows ?? [];
}
