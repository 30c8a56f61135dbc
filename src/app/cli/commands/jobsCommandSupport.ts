// What every `jobs` subcommand shares: the connection to open and close, and printing.
import type { Command } from 'commander';
import type { DirectJobs } from '../directJobs.js';
import { colorsFor } from '../output.js';
import { openJobsBackend, type TargetOptions } from '../target.js';

export interface JobsOptions extends TargetOptions {
  json?: boolean;
}

export function print(lines: string[] | string): void {
  process.stdout.write(`${(Array.isArray(lines) ? lines : [lines]).join('\n')}\n`);
}

export function printJson(value: unknown): void {
  process.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
}

/** Opens the target backend, runs `fn`, always closes it. */
export async function withBackend<T>(command: Command, fn: (backend: DirectJobs, options: JobsOptions) => Promise<T>): Promise<T> {
  const options = command.optsWithGlobals<JobsOptions>();
  const backend = await openJobsBackend(options);
  try {
    return await fn(backend, options);
  } finally {
    await backend.close();
  }
}

export function colors(options: JobsOptions) {
  return colorsFor(options.json ? {} : process.stdout);
}
