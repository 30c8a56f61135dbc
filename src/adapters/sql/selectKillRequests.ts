// Kill requests on jobs in flight (fn::job::kill while processing), for a bridge that was down.
import type { Surreal } from 'surrealdb';
import { escapeIdent } from '../db/tableShape.js';

export async function selectKillRequests(db: Surreal, table: string): Promise<Record<string, unknown>[]> {
  const [rows] = await db.query<[Record<string, unknown>[]]>(
    `SELECT * FROM ${escapeIdent(table)} WHERE status = 'processing' AND kill_requested_at != NONE`,
  );
  return rows ?? [];
}
