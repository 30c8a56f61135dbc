// `jobs`: the dashboard (no subcommand), list, get, kill, retry; clear and enqueue have files of their own.
import type { Command } from 'commander';
import type { JobStatus } from '../../../core/interfaces.js';
import { addConnectionOptions, intArg, statusOption } from '../args.js';
import { UsageError } from '../cliErrors.js';
import { footerLines, jobDetailLines, jobTableLines, killLine, retryLine, unservedQueueLines } from '../formatJobs.js';
import { temporalUiLink } from '../jobsBackend.js';
import { temporalUiBase } from '../target.js';
import { runDashboard } from '../dashboard/run.js';
import { colors, print, printJson, withBackend, type JobsOptions } from './jobsCommandSupport.js';
import { registerJobsClear } from './jobsClear.js';
import { registerJobsEnqueue } from './jobsEnqueue.js';

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
  registerJobsClear(jobs);
  registerJobsEnqueue(jobs);
}
