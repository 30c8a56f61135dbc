// An attempt failed and another will follow: processing → pending, count the retry, keep the error.
// Keyed: only the attempt that holds the claim may write it, so a repeat never counts twice.
import type { Surreal } from 'surrealdb';
import type { JobErrorEntry } from '../../core/interfaces.js';
import type { TableShape } from '../db/tableShape.js';
import { toRecordId } from '../db/recordId.js';
import { setClause, withErrorFallback } from './setClause.js';
import { keyVars, runAndKillConditions, type AttemptKey } from './attemptKey.js';

export async function scheduleRetry(
  db: Surreal,
  shape: TableShape,
  args: { key: AttemptKey; error: JobErrorEntry },
): Promise<boolean> {
  return withErrorFallback(shape, async (appendError) => {
    const set = setClause(shape, { status: "'pending'", retries: '$prior + 1', updated_at: 'time::now()' }, appendError);
    const [rows] = await db.query<[unknown[]]>(
      `UPDATE $id SET ${set} WHERE status = 'processing' AND retries = $prior${runAndKillConditions(shape, args.key, true)} RETURN VALUE id`,
      { id: toRecordId(args.key.jobId), error: args.error, ...keyVars(args.key) },
    );
    return (rows?.length ?? 0) > 0;
  });
}
