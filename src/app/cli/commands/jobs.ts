// `jobs`: the dashboard (no subcommand), list, get, kill, retry, clear, enqueue.
import { Option, type Command } from 'commander';
import type { JobStatus } from '../../../core/interfaces.js';
import { addConnectionOptions, durationArg, intArg, priorityArg, secondsArg, statusOption } from '../args.js';
import { UsageError } from '../cliErrors.js';
import { clearLines, clearPreviewLines, footerLines, jobDetailLines, jobTableLines, killLine, retryLine, unservedQueueLines } from '../formatJobs.js';
import { temporalUiLink, type EnqueueRequest } from '../jobsBackend.js';
import type { DirectJobs } from '../directJobs.js';
import { colorsFor } from '../output.js';
import { openJobsBackend, temporalUiBase, type TargetOptions } from '../target.js';
import { runDashboard } from '../dashboard/run.js';
import { readFile } from 'node:fs/promises';

interface JobsOptions extends TargetOptions {
  json?: boolean;
}

function print(lines: string[] | string): void {
  process.stdout.write(`${(Array.isArray(lines) ? lines : [lines]).join('\n')}\n`);
}

function printJson(value: unknown): void {
  process.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
}

/** Opens the target backend, runs `fn`, always closes it. */
async function withBackend<T>(command: Command, fn: (backend: DirectJobs, options: JobsOptions) => Promise<T>): Promise<T> {
  const options = command.optsWithGlobals<JobsOptions>();
  const backend = await openJobsBackend(options);
  try {
    return await fn(backend, options);
  } finally {
    await backend.close();
  }
}

function colors(options: JobsOptions) {
  return colorsFor(options.json ? {} : process.stdout);
}

export function registerJobsCommands(program: Command): void {
  const jobs = addConnectionOptions(
    program
      .command('jobs')
      .description('Watch and manage outbox jobs: a live dashboard, or list/get/kill/retry/clear/enqueue')
      .option('--data-dir <dir>', 'data folder of the dev instance to talk to (reads <dir>/dev.json)', '.data')
      .option('--temporal-ui <url>', 'Temporal Web UI base for links (env TEMPORAL_UI_URL, default http://127.0.0.1:8233)')
      .option('--json', 'machine-readable JSON output'),
  )
    .addHelpText(
      'after',
      `
Every jobs command connects to a SurrealDB and, for kill, retry, clear --all and queues, to
Temporal. By default these are the local dev instance's (npm start): its SurrealDB endpoint,
credential and Temporal, read from <data-dir>/dev.json. With --url (or SURREAL_URL) it uses that
SurrealDB instead, and Temporal at --temporal-address.

Dashboard keys: ↑/↓ select, Enter details, k kill, r retry, f filter by status, q/Esc quit.

Examples:
  $ spooky-temporal jobs                         # live dashboard of the dev instance
  $ spooky-temporal jobs list --status failed
  $ spooky-temporal jobs get job:abc123
  $ spooky-temporal jobs list --url ws://127.0.0.1:8000 --username root --password root --config sp00ky.yml
`,
    )
    .action(async (_options: unknown, command: Command) => {
      const options = command.optsWithGlobals<JobsOptions>();
      if (options.json) throw new UsageError('the dashboard has no --json output: use `jobs list --json`');
      await withBackend(command, (backend) => runDashboard(backend));
    });

  jobs
    .command('list')
    .alias('ls')
    .description('List jobs, newest first, with counts per status, fail rate and throughput')
    .addOption(statusOption())
    .option('--table <table>', 'only this job table')
    .option('--limit <n>', 'rows per table', intArg('the limit', 1, 100_000), 200)
    .addHelpText('after', '\nExamples:\n  $ spooky-temporal jobs list --status failed\n  $ spooky-temporal jobs ls --limit 1000 --json | jq \'.jobs[].id\'\n')
    .action(async (options: { status?: JobStatus; table?: string; limit: number }, command: Command) => {
      await withBackend(command, async (backend, globals) => {
        const listOptions = {
          ...(options.status ? { status: options.status } : {}),
          ...(options.table ? { table: options.table } : {}),
          limit: options.limit,
        };
        const [rows, stats, queues] = await Promise.all([
          backend.list(listOptions),
          backend.stats(),
          // Best effort: the list still shows when Temporal cannot be asked.
          backend.queues().catch(() => undefined),
        ]);
        if (globals.json) return printJson({ jobs: rows, stats, ...(queues ? { queues } : {}) });
        const now = new Date();
        const c = colors(globals);
        const table = rows.length
          ? jobTableLines(rows, { now, colors: c, ...(process.stdout.isTTY ? { width: process.stdout.columns } : {}) })
          : [options.status ? `no ${options.status} jobs` : 'no jobs'];
        const unserved = unservedQueueLines(queues ?? [], c);
        print([...table, '', ...footerLines(stats, now, c), ...(unserved.length ? ['', ...unserved] : [])]);
      });
    });

  jobs
    .command('get')
    .argument('<id>', 'job id (table:key), bare key, or a unique prefix')
    .description('Show one job: every field, payload, each error, result, and its Temporal UI link')
    .addHelpText('after', '\nExamples:\n  $ spooky-temporal jobs get job:abc123\n  $ spooky-temporal jobs get abc1 --json\n')
    .action(async (ref: string, _options: unknown, command: Command) => {
      await withBackend(command, async (backend, globals) => {
        const job = await backend.get(ref);
        const info = await backend.info();
        const link = temporalUiLink(temporalUiBase(globals, info.temporalUiUrl), info.temporalNamespace, job.workflowId);
        if (globals.json) return printJson({ ...job, temporalUiLink: link });
        print(jobDetailLines(job, { now: new Date(), colors: colors(globals), uiLink: link }));
      });
    });

  jobs
    .command('kill')
    .argument('<id>', 'job id (table:key), bare key, or a unique prefix')
    .description('Stop a job: cancel it if in flight, fail it as killed if still pending')
    .addHelpText('after', '\nExample:\n  $ spooky-temporal jobs kill job:abc123\n')
    .action(async (ref: string, _options: unknown, command: Command) => {
      await withBackend(command, async (backend, globals) => {
        const outcome = await backend.kill(ref);
        if (globals.json) printJson(outcome);
        else print(killLine(outcome));
      });
    });

  jobs
    .command('retry')
    .argument('<id>', 'job id (table:key), bare key, or a unique prefix')
    .description('Re-run a finished (failed or success) job as a new enqueue')
    .addHelpText('after', '\nExample:\n  $ spooky-temporal jobs retry job:abc123\n')
    .action(async (ref: string, _options: unknown, command: Command) => {
      await withBackend(command, async (backend, globals) => {
        const outcome = await backend.retry(ref);
        if (globals.json) printJson(outcome);
        else print(retryLine(outcome));
      });
    });

  jobs
    .command('clear')
    .description('Delete finished jobs (success, failed) from every job table; never processing ones')
    .option('--all', 'also delete pending jobs (their workflows are cancelled)')
    .option('--older-than <duration>', 'only jobs that finished longer ago than this, e.g. 7d, 12h, 1d12h', durationArg)
    .option('--dry-run', 'delete nothing: print how many jobs per table would go, and the first of them')
    .option('--limit <n>', 'with --dry-run: jobs listed per table (default 20; counts are never cut)', intArg('the limit', 0, 10_000))
    .addHelpText(
      'after',
      `
A job's age counts from when it finished: updated_at (created_at on tables without it).
--older-than deletes in batches of 500 rows, so a large table never makes one huge transaction.
Pending and processing jobs are never deleted by --older-than, whatever their age.

Examples:
  $ spooky-temporal jobs clear
  $ spooky-temporal jobs clear --older-than 7d --dry-run
  $ spooky-temporal jobs clear --older-than 7d
  $ spooky-temporal jobs clear --older-than 30d --dry-run --limit 100 --json | jq '.jobs[].id'
  $ spooky-temporal jobs clear --all --json
`,
    )
    .action(async (options: { all?: boolean; olderThan?: number; dryRun?: boolean; limit?: number }, command: Command) => {
      if (options.all && options.olderThan !== undefined) {
        throw new UsageError(
          '--all cannot be combined with --older-than: --older-than only deletes finished (success, failed) jobs. ' +
            'Drop --all to delete finished jobs older than the limit, or drop --older-than to delete every finished and pending job',
        );
      }
      if (options.all && options.dryRun) {
        throw new UsageError(
          '--dry-run does not support --all: `jobs clear --dry-run` shows the finished jobs that would go, ' +
            'and `jobs list --status pending` the pending ones --all would add',
        );
      }
      if (options.limit !== undefined && !options.dryRun) {
        throw new UsageError('--limit only applies to --dry-run (how many jobs to list per table): add --dry-run or drop --limit');
      }
      const olderThan = options.olderThan !== undefined ? { olderThanMs: options.olderThan } : {};
      await withBackend(command, async (backend, globals) => {
        if (options.dryRun) {
          const preview = await backend.previewClear({ ...olderThan, ...(options.limit !== undefined ? { limit: options.limit } : {}) });
          if (globals.json) return printJson({ dryRun: true, ...preview });
          return print(clearPreviewLines(preview, { now: new Date(), colors: colors(globals) }));
        }
        const deleted = await backend.clear({ all: options.all ?? false, ...olderThan });
        if (globals.json) printJson({ deleted });
        else print(clearLines(deleted, olderThan));
      });
    });

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
