// The job is over without success: → failed, appending the error entry when the table can
// store it. A table defined exactly like Sp00ky's seed cannot (errors[*] is not FLEXIBLE):
// the status is still written, because a job must never look alive after it ended.
// `run` pins the write to one enqueue; `attempt` pins it to the attempt holding the claim.
import type { Surreal } from 'surrealdb';
import type { JobErrorEntry, JobStatus } from '../../core/interfaces.js';
import type { TableShape } from '../db/tableShape.js';
import { toRecordId } from '../db/recordId.js';
import { setClause, withErrorFallback } from './setClause.js';

export async function failJob(
  db: Surreal,
  shape: TableShape,
  args: { jobId: string; error: JobErrorEntry; from: JobStatus[]; run?: number; attempt?: number },
): Promise<boolean> {
  const conditions = ['status IN $from'];
  if (args.run !== undefined && shape.has('run')) conditions.push('(run ?? 1) = $run');
  if (args.attempt !== undefined) conditions.push('retries = $prior');
  return withErrorFallback(shape, async (appendError) => {
    const set = setClause(shape, { status: "'failed'", updated_at: 'time::now()' }, appendError);
    const [rows] = await db.query<[unknown[]]>(`UPDATE $id SET ${set} WHERE ${conditions.join(' AND ')} RETURN VALUE id`, {
      id: toRecordId(args.jobId),
      error: args.error,
      from: args.from,
      run: args.run,
      prior: args.attempt === undefined ? undefined : args.attempt - 1,
    });
    return (rows?.length ?? 0) > 0;
  });
}
