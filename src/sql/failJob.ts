// The job is over without success: → failed, appending the error entry when the table can
// store it. A table defined exactly like Sp00ky's seed cannot (errors[*] is not FLEXIBLE):
// the status is still written, because a job must never look alive after it ended.
import type { Surreal } from 'surrealdb';
import type { JobErrorEntry, JobStatus } from '../interfaces.js';
import type { TableShape } from '../db/tableShape.js';
import { toRecordId } from '../db/recordId.js';
import { setClause, withErrorFallback } from './setClause.js';

export async function failJob(
  db: Surreal,
  shape: TableShape,
  args: { jobId: string; error: JobErrorEntry; from: JobStatus[] },
): Promise<boolean> {
  return withErrorFallback(shape, async (appendError) => {
    const set = setClause(shape, { status: "'failed'", updated_at: 'time::now()' }, appendError);
    const [rows] = await db.query<[unknown[]]>(`UPDATE $id SET ${set} WHERE status IN $from RETURN AFTER`, {
      id: toRecordId(args.jobId),
      error: args.error,
      from: args.from,
    });
    return (rows?.length ?? 0) > 0;
  });
}
