// The attempt succeeded: processing → success, with the response body in `result`.
import type { Surreal } from 'surrealdb';
import type { TableShape } from '../db/tableShape.js';
import { toRecordId } from '../db/recordId.js';
import { setClause } from './setClause.js';

export async function completeJob(
  db: Surreal,
  shape: TableShape,
  args: { jobId: string; result: unknown },
): Promise<boolean> {
  const set = setClause(shape, { status: "'success'", result: '$result', updated_at: 'time::now()' });
  const [rows] = await db.query<[unknown[]]>(`UPDATE $id SET ${set} WHERE status = 'processing' RETURN AFTER`, {
    id: toRecordId(args.jobId),
    result: args.result ?? null,
  });
  return (rows?.length ?? 0) > 0;
}
