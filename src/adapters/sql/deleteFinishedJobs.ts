// `clear`: delete terminal jobs; with `includePending`, also pending ones. Never a processing job.
import type { Surreal } from 'surrealdb';
import { escapeIdent } from '../db/tableShape.js';

export async function deleteFinishedJobs(db: Surreal, table: string, includePending: boolean): Promise<string[]> {
  const statuses = includePending ? ['success', 'failed', 'pending'] : ['success', 'failed'];
  const [rows] = await db.query<[{ id: unknown }[]]>(
    `DELETE ${escapeIdent(table)} WHERE status IN $statuses RETURN BEFORE`,
    { statuses },
  );
  return (rows ?? []).map((row) => String(row.id));
}
