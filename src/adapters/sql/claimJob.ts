// The fence before every HTTP call: pending → processing, as a compare-and-set keyed by
// run and attempt. A repeat of the same claim (the activity retried on another worker after
// a crash) succeeds; a killed or finished job, an older attempt or an older run is refused.
import type { Surreal } from 'surrealdb';
import type { TableShape } from '../db/tableShape.js';
import { toRecordId } from '../db/recordId.js';
import { setClause } from './setClause.js';
import { keyVars, runAndKillConditions, type AttemptKey } from './attemptKey.js';

export async function claimJob(
  db: Surreal,
  shape: TableShape,
  args: { key: AttemptKey; assignee: string },
): Promise<boolean> {
  const set = setClause(shape, {
    status: "'processing'",
    retries: '$prior',
    assignee: '$assignee',
    updated_at: 'time::now()',
  });
  const [rows] = await db.query<[unknown[]]>(
    `UPDATE $id SET ${set}
       WHERE ((status = 'pending' AND retries <= $prior) OR (status = 'processing' AND retries = $prior))
       ${runAndKillConditions(shape, args.key, true)}
       RETURN VALUE id`,
    { id: toRecordId(args.key.jobId), assignee: args.assignee, ...keyVars(args.key) },
  );
  return (rows?.length ?? 0) > 0;
}
