// Newest first, per table, for the API and the operators' CLI.
import type { Surreal } from 'surrealdb';
import type { JobStatus } from '../../core/interfaces.js';
import { escapeIdent } from '../db/tableShape.js';

export async function listJobs(
  db: Surreal,
  table: string,
  options: { status?: JobStatus; limit: number },
): Promise<Record<string, unknown>[]> {
  const t = escapeIdent(table);
  const where = options.status ? ' WHERE status = $status' : '';
  const [rows] = await db.query<[Record<string, unknown>[]]>(
    `SELECT * FROM ${t}${where} ORDER BY updated_at DESC, created_at DESC LIMIT $limit`,
    { status: options.status, limit: options.limit },
  );
  return rows ?? [];
}
