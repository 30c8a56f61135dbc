// Which rows retention takes (shared by select/count/delete so a dry run counts exactly what a
// real run deletes): terminal rows (success, failed) of one table that finished before a cutoff.
// Never a pending or processing row, whatever its age.
// Finish time: `updated_at` when the table has that field (a row written without it falls back
// to `created_at`), else `created_at`. A row with no datetime there is never taken as old:
// NONE sorts below every datetime, so the lower bound keeps it out.
import type { TableShape } from '../db/tableShape.js';

export const TERMINAL_STATUSES = ['success', 'failed'] as const;

/** The SurrealQL expression of a row's finish time on this table. */
export function finishedAtExpression(shape: Pick<TableShape, 'has'>): string {
  return shape.has('updated_at') ? '(updated_at ?? created_at)' : 'created_at';
}

/** WHERE condition and its variables. Without a cutoff: every terminal row, whatever its age. */
export function expiredCondition(
  shape: Pick<TableShape, 'has'>,
  cutoff: Date | undefined,
): { where: string; vars: Record<string, unknown> } {
  const terminal = `status IN ['success', 'failed']`;
  if (cutoff === undefined) return { where: terminal, vars: {} };
  const finishedAt = finishedAtExpression(shape);
  return {
    where: `${terminal} AND ${finishedAt} < $cutoff AND ${finishedAt} > $earliest`,
    vars: { cutoff, earliest: new Date(0) },
  };
}
