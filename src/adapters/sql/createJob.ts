// Enqueue, as Sp00ky's db.run writes it: payload as a JSON string, status pending.
import type { Surreal } from 'surrealdb';
import type { TableShape } from '../db/tableShape.js';
import { escapeIdent } from '../db/tableShape.js';

export interface NewJobRow {
  path: string;
  payload: string;
  max_retries: number;
  retry_strategy: 'linear' | 'exponential';
  delay?: number;
  timeout?: number;
  assigned_to?: unknown;
  idempotency_key?: string;
  priority?: number;
  queue?: string;
  fairness_key?: string;
  traceparent?: string;
}

/** The row as written: pending, with only the fields the table has (Sp00ky's own tables may lack some). */
export function jobContent(shape: TableShape, row: NewJobRow): Record<string, unknown> {
  const content: Record<string, unknown> = { status: 'pending' };
  for (const [field, value] of Object.entries(row)) {
    if (value !== undefined && shape.has(field)) content[field] = value;
  }
  return content;
}

export async function createJob(db: Surreal, shape: TableShape, table: string, row: NewJobRow): Promise<string> {
  const content = jobContent(shape, row);
  const [rows] = await db.query<[{ id: unknown }[]]>(`CREATE ${escapeIdent(table)} CONTENT $content RETURN id`, {
    content,
  });
  const created = rows?.[0];
  if (!created) throw new Error(`creating a job in table ${table} returned no row`);
  return String(created.id);
}
