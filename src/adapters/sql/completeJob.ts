// The attempt succeeded: processing → success, with the response body in `result`.
// Keyed: only the attempt that holds the claim may write it.
import type { Surreal } from 'surrealdb';
import type { TableShape } from '../db/tableShape.js';
import { toRecordId } from '../db/recordId.js';
import { setClause } from './setClause.js';
import { keyVars, runAndKillConditions, type AttemptKey } from './attemptKey.js';

export async function completeJob(
  db: Surreal,
  shape: TableShape,
  args: { key: AttemptKey; result: unknown },
): Promise<boolean> {
  const set = setClause(shape, { status: "'success'", result: '$result', updated_at: 'time::now()' });
  const [rows] = await db.query<[unknown[]]>(
    `UPDATE $id SET ${set} WHERE status = 'processing' AND retries = $prior${runAndKillConditions(shape, args.key, false)} RETURN VALUE id`,
    { id: toRecordId(args.key.jobId), result: args.result ?? null, ...keyVars(args.key) },
  );
  return (rows?.length ?? 0) > 0;
}
