// `jobs enqueue`: creates a job like Sp00ky's db.run, validated against the backend's spec.
import { readFile } from 'node:fs/promises';
import { Option, type Command } from 'commander';
import { durationArg, intArg, priorityArg, secondsArg } from '../args.js';
import { UsageError } from '../cliErrors.js';
import type { EnqueueRequest } from '../jobsBackend.js';
import { print, printJson, withBackend } from './jobsCommandSupport.js';

export function registerJobsEnqueue(jobs: Command): void {
  jobs
    .command('enqueue')
    .argument('<backend>', 'backend app name from sp00ky.yml, e.g. api')
    .argument('<path>', 'path to POST to, e.g. /spookify')
    .argument('[payload]', 'JSON payload, e.g. \'{"id":"thread:1"}\', or @file.json to read it from a file', '{}')
    .description("Create a job like Sp00ky's db.run (validated against the backend's OpenAPI spec); prints its id")
    .option('--delay <duration>', 'keep it pending this long first: ms, or 30s, 5m, 1h30m', durationArg)
    .option('--max-retries <n>', 'retries after the first attempt (default 3)', intArg('max retries', 0, 1_000))
    .addOption(new Option('--retry-strategy <strategy>', 'wait between attempts (default linear)').choices(['linear', 'exponential']))
    .option('--timeout <seconds>', 'HTTP timeout for this job, if the backend allows overriding it', secondsArg)
    .option('--assigned-to <record>', 'record the job belongs to, e.g. thread:abc')
    .option('--idempotency-key <key>', 'at most one job per key: an existing key prints that job\'s id')
    .option('--priority <priority>', 'critical, high, normal, low, or 1 (first) to 5 (last)', priorityArg)
    .option('--queue <name>', 'a named queue: only runners serving it take the job (default: default)')
    .option('--fairness-key <key>', 'the tenant this job is fair to (default: --assigned-to)')
    .addHelpText(
      'after',
      `\nExample:\n  $ spooky-temporal jobs enqueue api /send-reminder '{"to":"ada@example.com"}' --delay 5m --max-retries 5 --idempotency-key reminder-42\n`,
    )
    .action(
      async (
        backendName: string,
        path: string,
        payloadText: string,
        options: Omit<EnqueueRequest, 'backend' | 'path' | 'payload'>,
        command: Command,
      ) => {
        // JSON never starts with @: `@file` is a file to read (large payloads, no shell quoting).
        const fromFile = payloadText.startsWith('@') ? payloadText.slice(1) : undefined;
        const text = fromFile === undefined ? payloadText : await readPayloadFile(fromFile);
        let payload: unknown;
        try {
          payload = JSON.parse(text);
        } catch {
          throw new UsageError(
            fromFile === undefined
              ? `payload is not valid JSON: expected e.g. '{"id":"thread:1"}' (quote it for the shell)`
              : `payload file ${fromFile} is not valid JSON`,
          );
        }
        await withBackend(command, async (backend, globals) => {
          const id = await backend.enqueue({ backend: backendName, path, payload, ...options });
          if (globals.json) printJson({ id });
          else print(id);
        });
      },
    );
}

async function readPayloadFile(file: string): Promise<string> {
  try {
    return await readFile(file, 'utf8');
  } catch (error) {
    throw new UsageError(`cannot read the payload file ${file} (${(error as NodeJS.ErrnoException).code ?? 'read error'}): expected @<path of a JSON file>`);
  }
}
