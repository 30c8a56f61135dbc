// What a job's row says about one attempt, read when a keyed write was refused: either the
// attempt's own outcome is already there (a repeat after a crash), or the job moved on.
import type { Surreal } from 'surrealdb';
import { toRecordId } from '../db/recordId.js';

export interface AttemptRowState {
  status: string;
  retries: number;
  run?: number;
  result?: unknown;
  lastError?: unknown;
  killRequested: boolean;
}

export async function readAttemptState(db: Surreal, jobId: string): Promise<AttemptRowState | undefined> {
  const [row] = await db.query<
    [{ status?: string; retries?: number; run?: number; result?: unknown; last_error?: unknown; kill_requested_at?: unknown } | undefined]
  >(
    'SELECT status, retries, run, result, array::last(errors ?? []) AS last_error, kill_requested_at FROM ONLY $id',
    { id: toRecordId(jobId) },
  );
  if (!row) return undefined;
  return {
    status: String(row.status ?? 'unknown'),
    retries: Number(row.retries ?? 0),
    ...(typeof row.run === 'number' ? { run: row.run } : {}),
    ...(row.result !== undefined ? { result: row.result } : {}),
    ...(row.last_error !== undefined && row.last_error !== null ? { lastError: row.last_error } : {}),
    killRequested: row.kill_requested_at !== undefined && row.kill_requested_at !== null,
  };
}
