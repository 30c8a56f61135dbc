// Retry of a finished job: failed/success → pending with a clean slate and the next run number.
import type { Surreal } from 'surrealdb';
import type { TableShape } from '../db/tableShape.js';
import { toRecordId } from '../db/recordId.js';
import { setClause } from './setClause.js';

export async function resetJobForRetry(db: Surreal, shape: TableShape, jobId: string, traceparent?: string): Promise<unknown | undefined> {
  const set = setClause(shape, {
    // The retry's trace replaces the first enqueue's (kept when the caller is not traced).
    ...(traceparent ? { traceparent: '$traceparent' } : {}),
    status: "'pending'",
    retries: '0',
    errors: '[]',
    result: 'NONE',
    assignee: 'NONE',
    kill_requested_at: 'NONE',
    run: '(run ?? 1) + 1',
    updated_at: 'time::now()',
  });
  const [rows] = await db.query<[unknown[]]>(
    `UPDATE $id SET ${set} WHERE status IN ['failed', 'success'] RETURN AFTER`,
    { id: toRecordId(jobId), traceparent },
  );
  return rows?.[0];
}
