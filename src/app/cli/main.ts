#!/usr/bin/env node
// The command line: a thin shell over the library (commands in ./commands, logic in pure modules).
// Exit codes: 0 success, 1 failed operation (unknown id, unreachable database, ...), 2 bad usage.
import { CommanderError } from 'commander';
import { buildProgram } from './program.js';
import { describeError, exitCodeFor } from './cliErrors.js';

function exit(code: number): void {
  // Let pending writes to stdout/stderr drain first (pipes to `jq`, test harnesses).
  process.stdout.write('', () => process.stderr.write('', () => process.exit(code)));
}

try {
  await buildProgram().parseAsync(process.argv);
  exit(0);
} catch (error) {
  // Commander has already printed its own message (and help) for usage errors.
  if (!(error instanceof CommanderError)) {
    process.stderr.write(`${describeError(error).join('\n')}\n`);
    if (process.env['SPOOKY_DEBUG'] && error instanceof Error && error.stack) process.stderr.write(`${error.stack}\n`);
  }
  exit(exitCodeFor(error));
}
