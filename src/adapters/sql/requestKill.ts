// A kill of a job in flight: mark the row first, so no repeat of its attempt (on another
// worker, after a crash) can claim it again, then cancel the workflow.
import type { Surreal } from 'surrealdb';
import type { TableShape } from '../db/tableShape.js';
import { toRecordId } from '../db/recordId.js';

export async function requestKill(db: Surreal, shape: TableShape, jobId: string): Promise<void> {
  if (!shape.has('kill_requested_at')) return;
  await db.query(`UPDATE $id SET kill_requested_at = time::now() WHERE status = 'processing' AND kill_requested_at = NONE`, {
    id: toRecordId(jobId),
  });
}
