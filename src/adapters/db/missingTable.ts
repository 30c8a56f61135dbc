// SurrealDB's answer when a statement names a table that is not defined (never deployed, or
// removed while jobs ran): "The table 'job' does not exist" (NotFoundError in the SDK).

/** The table name when `error` says it does not exist, else undefined. */
export function missingTable(error: unknown): string | undefined {
  const message = error instanceof Error ? error.message : typeof error === 'string' ? error : '';
  return /The table '([^']+)' does not exist/.exec(message)?.[1];
}
