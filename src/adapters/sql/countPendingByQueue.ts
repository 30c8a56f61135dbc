// Pending jobs per named queue of one table (rows without a queue are on `default`).
import type { Surreal } from 'surrealdb';
import { escapeIdent, type TableShape } from '../db/tableShape.js';
import { DEFAULT_QUEUE } from '../../core/taskQueues.js';

export async function countPendingByQueue(db: Surreal, shape: TableShape, table: string): Promise<Map<string, number>> {
  const counts = new Map<string, number>();
  if (!shape.has('queue')) {
    const [rows] = await db.query<[{ n: number }[]]>(`SELECT count() AS n FROM ${escapeIdent(table)} WHERE status = 'pending' GROUP ALL`);
    const n = rows?.[0]?.n ?? 0;
    if (n > 0) counts.set(DEFAULT_QUEUE, n);
    return counts;
  }
  const [rows] = await db.query<[{ queue?: string | null; n: number }[]]>(
    `SELECT queue, count() AS n FROM ${escapeIdent(table)} WHERE status = 'pending' GROUP BY queue`,
  );
  for (const row of rows ?? []) {
    const queue = row.queue ?? DEFAULT_QUEUE;
    counts.set(queue, (counts.get(queue) ?? 0) + row.n);
  }
  return counts;
}
