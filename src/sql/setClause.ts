// Builds `SET a = ..., b = ...` from only the fields the table really has.
import type { TableShape } from '../db/tableShape.js';

export function setClause(shape: TableShape, assignments: Record<string, string>, appendError = false): string {
  const parts = Object.entries(assignments)
    .filter(([field]) => shape.has(field))
    .map(([field, expression]) => `${field} = ${expression}`);
  if (appendError && shape.canAppendErrors) parts.push('errors += [$error]');
  return parts.join(', ');
}
