// Whole rows for a set of record ids (those a catch-up page could not skip), in one round trip.
import type { Surreal } from 'surrealdb';

export async function selectJobsById(db: Surreal, ids: readonly unknown[]): Promise<Record<string, unknown>[]> {
  if (ids.length === 0) return [];
  const [rows] = await db.query<[Record<string, unknown>[]]>('SELECT * FROM $ids', { ids });
  return rows ?? [];
}
