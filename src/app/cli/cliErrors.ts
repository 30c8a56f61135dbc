// Errors of the command line and how each one maps to an exit code and one line of output.
import { CommanderError } from 'commander';
import { InvalidJobError, SpookyTemporalError } from '../../core/errors.js';
import { missingTable } from '../../adapters/db/missingTable.js';

/** Bad usage found after commander parsed the line (bad JSON payload, incompatible flags). Exit 2. */
export class UsageError extends SpookyTemporalError {}

/** A job id prefix matched more than one job. */
export class AmbiguousJobIdError extends SpookyTemporalError {
  constructor(
    readonly ref: string,
    /** Up to 6 matching ids. */
    readonly matches: string[],
    readonly more: boolean,
  ) {
    super(
      `job id ${JSON.stringify(ref)} is ambiguous: it matches ${more ? 'more than ' : ''}${matches.length} jobs; ` +
        'give more characters of the id',
    );
  }
}

export const EXIT_OK = 0;
export const EXIT_FAILED = 1;
export const EXIT_USAGE = 2;

/** Exit code for an error thrown by a command (commander's own errors included). */
export function exitCodeFor(error: unknown): number {
  if (error instanceof CommanderError) return error.exitCode === 0 ? EXIT_OK : EXIT_USAGE;
  if (error instanceof UsageError) return EXIT_USAGE;
  // An enqueued value out of the backend's range (payload size, delay, timeout, ...): fix the command.
  if (error instanceof InvalidJobError && error.field !== undefined) return EXIT_USAGE;
  return EXIT_FAILED;
}

/** What to print for an error: `error: <one line>`, plus the matches of an ambiguous id. Never a stack. */
export function describeError(error: unknown): string[] {
  const message = oneLine(error instanceof Error ? error.message : String(error));
  const lines = [message.startsWith('error: ') ? message : `error: ${message}`];
  const matches = error instanceof AmbiguousJobIdError ? error.matches : undefined;
  if (matches?.length) {
    for (const id of matches) lines.push(`  ${id}`);
    if (error instanceof AmbiguousJobIdError && error.more) lines.push('  …');
  }
  return lines;
}

/** Collapses whitespace and newlines (gRPC and SDK messages can span lines). */
export function oneLine(text: string): string {
  return text.replace(/\s*\n\s*/g, ' ').replace(/\s+/g, ' ').trim();
}

/** The job tables are not defined in the database (schema never deployed there). */
export class SchemaMissingError extends SpookyTemporalError {}

/** Rewrites SurrealDB's "table does not exist" into what to do about it; other errors pass through. */
export function explainDatabaseError(error: unknown): unknown {
  const table = missingTable(error);
  if (!table) return error;
  return new SchemaMissingError(
    `job table ${table} does not exist in this database: deploy it with \`spooky-temporal schema deploy\` ` +
      '(same --url/--namespace/--database/--config), or check that you are pointing at the right database',
    { cause: error },
  );
}
