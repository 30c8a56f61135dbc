// An attempt failed and another will follow: processing → pending, count the retry, keep the error.
import type { Surreal } from 'surrealdb';
import type { JobErrorEntry } from '../interfaces.js';
import type { TableShape } from '../db/tableShape.js';
import { toRecordId } from '../db/recordId.js';
import { setClause, withErrorFallback } from './setClause.js';

export async function scheduleRetry(
  db: Surreal,
  shape: TableShape,
  args: { jobId: string; error: JobErrorEntry; retries: number },
): Promise<boolean> {
  return withErrorFallback(shape, async (appendError) => {
    const set = setClause(shape, { status: "'pending'", retries: '$retries', updated_at: 'time::now()' }, appendError);
    const [rows] = await db.query<[unknown[]]>(`UPDATE $id SET ${set} WHERE status = 'processing' RETURN AFTER`, {
      id: toRecordId(args.jobId),
      error: args.error,
      retries: args.retries,
    });
    return (rows?.length ?? 0) > 0;
  });
}
