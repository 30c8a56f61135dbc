// Many enqueues in one transaction: every row is written, or none (one INSERT per table).
import type { Surreal } from 'surrealdb';
import type { TableShape } from '../db/tableShape.js';
import { escapeIdent } from '../db/tableShape.js';
import { jobContent, type NewJobRow } from './createJob.js';

export interface JobBatch {
  table: string;
  shape: TableShape;
  rows: NewJobRow[];
}

/** The ids of the new rows, per batch, in the order given. */
export async function createJobs(db: Surreal, batches: readonly JobBatch[]): Promise<string[][]> {
  const nonEmpty = batches.filter((batch) => batch.rows.length > 0);
  if (nonEmpty.length === 0) return batches.map(() => []);
  const statements = nonEmpty.map((batch, i) => `INSERT INTO ${escapeIdent(batch.table)} $rows${i} RETURN id;`);
  const vars = Object.fromEntries(nonEmpty.map((batch, i) => [`rows${i}`, batch.rows.map((row) => jobContent(batch.shape, row))]));
  const results = await db.query<{ id: unknown }[][]>(`BEGIN TRANSACTION; ${statements.join(' ')} COMMIT TRANSACTION;`, vars);
  const inserted = results.filter((result) => Array.isArray(result));
  let next = 0;
  return batches.map((batch) => {
    if (batch.rows.length === 0) return [];
    const ids = (inserted[next++] ?? []).map((row) => String(row.id));
    if (ids.length !== batch.rows.length) throw new Error(`inserting ${batch.rows.length} jobs into ${batch.table} returned ${ids.length} ids`);
    return ids;
  });
}
