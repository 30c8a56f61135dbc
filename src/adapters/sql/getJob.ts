import type { Surreal } from 'surrealdb';
import { toRecordId } from '../db/recordId.js';

export async function getJob(db: Surreal, jobId: string): Promise<unknown | undefined> {
  const [row] = await db.query<[unknown]>('SELECT * FROM ONLY $id', { id: toRecordId(jobId) });
  return row ?? undefined;
}
