// A schedule's job for one slot, under the slot's own key: created once, found on a repeat.
import type { Surreal } from 'surrealdb';
import type { TableShape } from '../db/tableShape.js';
import { jobContent, type NewJobRow } from './createJob.js';

export async function createScheduledJob(
  db: Surreal,
  shape: TableShape,
  table: string,
  key: string,
  row: NewJobRow & { schedule: string },
): Promise<{ raw: unknown; created: boolean }> {
  try {
    const [rows] = await db.query<[unknown[]]>(`CREATE type::record($table, $key) CONTENT $content RETURN AFTER`, {
      table,
      key,
      content: jobContent(shape, row),
    });
    return { raw: rows?.[0], created: true };
  } catch (error) {
    if (!/already exists/i.test((error as Error).message)) throw error;
    const [rows] = await db.query<[unknown[]]>(`SELECT * FROM type::record($table, $key)`, { table, key });
    if (!rows?.[0]) throw error;
    return { raw: rows[0], created: false };
  }
}
