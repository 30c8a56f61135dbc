// The fence before every HTTP call: pending → processing, as a compare-and-set.
// It fails when the job was killed or finished, even if the cancellation itself was missed.
// A repeat by the same assignee succeeds, so a retried activity does not fence itself out.
import type { Surreal } from 'surrealdb';
import type { TableShape } from '../db/tableShape.js';
import { toRecordId } from '../db/recordId.js';
import { setClause } from './setClause.js';

export type ClaimResult = { claimed: true } | { claimed: false; status: string };

export async function claimJob(
  db: Surreal,
  shape: TableShape,
  args: { jobId: string; retries: number; assignee: string },
): Promise<ClaimResult> {
  const set = setClause(shape, {
    status: "'processing'",
    retries: '$retries',
    assignee: '$assignee',
    updated_at: 'time::now()',
  });
  const sameAssignee = shape.has('assignee') ? " OR (status = 'processing' AND assignee = $assignee)" : '';
  const [rows] = await db.query<[unknown[]]>(
    `UPDATE $id SET ${set} WHERE status = 'pending'${sameAssignee} RETURN AFTER`,
    { id: toRecordId(args.jobId), retries: args.retries, assignee: args.assignee },
  );
  if (rows && rows.length > 0) return { claimed: true };
  const [current] = await db.query<[{ status?: string } | undefined]>('SELECT status FROM ONLY $id', {
    id: toRecordId(args.jobId),
  });
  return { claimed: false, status: current?.status ?? 'deleted' };
}
