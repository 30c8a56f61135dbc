// Builds `SET a = ..., b = ...` from only the fields the table really has.
import type { TableShape } from '../db/tableShape.js';

/**
 * A row keeps its newest error entries only (`retries` still counts every attempt), so a job
 * allowed thousands of retries does not grow a row that every later write rewrites. As many
 * as the default max_retries limit allows attempts, so a default job keeps them all.
 */
export const ERRORS_KEPT_ON_ROW = 101;

export function setClause(shape: TableShape, assignments: Record<string, string>, appendError = false): string {
  const parts = Object.entries(assignments)
    .filter(([field]) => shape.has(field))
    .map(([field, expression]) => `${field} = ${expression}`);
  if (appendError && shape.canAppendErrors) parts.push(`errors = array::slice((errors ?? []) + [$error], -${ERRORS_KEPT_ON_ROW})`);
  return parts.join(', ');
}

/**
 * Runs a write that appends an error entry; if the table refuses the entry anyway (a field
 * definition the shape check did not foresee), writes the rest without it: the status matters more.
 */
export async function withErrorFallback<T>(shape: TableShape, write: (appendError: boolean) => Promise<T>): Promise<T> {
  if (!shape.canAppendErrors) return write(false);
  try {
    return await write(true);
  } catch (error) {
    if (!/errors|no such field|FLEXIBLE/i.test(String((error as Error).message))) throw error;
    return write(false);
  }
}
