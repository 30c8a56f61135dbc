// Counts per status, recent outcomes and the oldest pending job of one table (`jobs list` footer).
import type { Surreal } from 'surrealdb';
import { escapeIdent } from '../db/tableShape.js';

export interface TableJobStats {
  counts: Record<string, number>;
  recentSuccesses: number;
  recentFailures: number;
  oldestPendingAt?: Date;
}

/** `windowMinutes`: how far back "recent" reaches (by updated_at). */
export async function jobStats(db: Surreal, table: string, windowMinutes: number): Promise<TableJobStats> {
  const t = escapeIdent(table);
  const [byStatus, recent, oldest] = await db.query<
    [{ status: string; n: number }[], { status: string; n: number }[], unknown[]]
  >(
    `SELECT status, count() AS n FROM ${t} GROUP BY status;
     SELECT status, count() AS n FROM ${t}
       WHERE status IN ['success', 'failed'] AND (updated_at ?? created_at) > time::now() - <duration> $window
       GROUP BY status;
     SELECT VALUE created_at FROM ${t} WHERE status = 'pending' ORDER BY created_at ASC LIMIT 1;`,
    { window: `${Math.max(1, Math.round(windowMinutes))}m` },
  );
  const counts: Record<string, number> = {};
  for (const row of byStatus ?? []) counts[row.status] = Number(row.n);
  const recentOf = (status: string) => Number((recent ?? []).find((row) => row.status === status)?.n ?? 0);
  const first = oldest?.[0];
  const oldestPendingAt = toDate(first);
  return {
    counts,
    recentSuccesses: recentOf('success'),
    recentFailures: recentOf('failed'),
    ...(oldestPendingAt ? { oldestPendingAt } : {}),
  };
}

function toDate(value: unknown): Date | undefined {
  if (value instanceof Date) return value;
  if (typeof value === 'string') return new Date(value);
  if (typeof (value as { toDate?: unknown })?.toDate === 'function') return (value as { toDate(): Date }).toDate();
  return undefined;
}
