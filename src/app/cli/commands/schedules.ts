// `schedules`: list, create, pause, resume, trigger, delete the cron jobs (Temporal Schedules).
// A thin shell over SchedulesClient; talks to Temporal only.
import { Option, type Command } from 'commander';
import { addConnectionOptions, durationArg, intArg, priorityArg } from '../args.js';
import { UsageError } from '../cliErrors.js';
import { ConfigError } from '../../../core/errors.js';
import { colorsFor } from '../output.js';
import { scheduleActionLine, scheduleTableLines } from '../formatSchedules.js';
import { OVERLAP_POLICIES } from '../../../config/scheduleConfig.js';
import { priorityLevel } from '../../../core/enqueueOptions.js';
import { openSchedules, type SchedulesTargetOptions } from '../schedulesTarget.js';
import type { SchedulesClient } from '../../schedulesClient.js';

interface SchedulesOptions extends SchedulesTargetOptions {
  json?: boolean;
}

function print(lines: string[] | string): void {
  process.stdout.write(`${(Array.isArray(lines) ? lines : [lines]).join('\n')}\n`);
}

async function withSchedules<T>(command: Command, fn: (schedules: SchedulesClient, options: SchedulesOptions) => Promise<T>): Promise<T> {
  const options = command.optsWithGlobals<SchedulesOptions>();
  const target = await openSchedules(options);
  try {
    return await fn(target.schedules, options);
  } finally {
    await target.close();
  }
}

function simple(schedules: Command, name: 'pause' | 'resume' | 'trigger' | 'delete', description: string, done: 'paused' | 'resumed' | 'triggered' | 'deleted') {
  const command = schedules
    .command(`${name} <name>`)
    .description(description)
    .addHelpText('after', `\nExamples:\n  $ spooky-temporal schedules ${name} nightly-report${name === 'pause' ? ' --note "reports DB migration"' : ''}\n`);
  if (name === 'pause' || name === 'resume') command.option('--note <text>', 'why (shown in the Temporal UI)');
  command.action(async (scheduleName: string, _opts: unknown, cmd: Command) =>
    withSchedules(cmd, async (client, options) => {
      const note = (options as { note?: string }).note;
      if (name === 'pause') await client.pause(scheduleName, note);
      else if (name === 'resume') await client.resume(scheduleName, note);
      else if (name === 'trigger') await client.trigger(scheduleName);
      else await client.delete(scheduleName);
      if (options.json) print(JSON.stringify({ schedule: scheduleName, outcome: done }));
      else print(scheduleActionLine(done, scheduleName));
    }),
  );
}

interface CreateOptions {
  cron?: string;
  every?: number;
  timezone?: string;
  backend?: string;
  path: string;
  payload?: string;
  overlap?: string;
  catchupWindow?: number;
  paused?: boolean;
  maxRetries?: number;
  priority?: string | number;
  queue?: string;
  fairnessKey?: string;
}

export function registerSchedulesCommands(program: Command): void {
  const schedules = addConnectionOptions(
    program
      .command('schedules')
      .description('Cron jobs on Temporal Schedules: list, create, pause, resume, trigger, delete')
      .option('--data-dir <dir>', 'data folder of the dev instance to talk to (reads <dir>/dev.json)', '.data')
      .option('--json', 'machine-readable JSON output'),
  ).addHelpText(
    'after',
    `
Schedules declared under schedules: in sp00ky.yml are made (and kept in line) by the runner at
start; those made here are kept until deleted. Each slot enqueues one job row,
<table>:sched_<name>_<slot time>. Temporal is reached with --temporal-address (or
TEMPORAL_ADDRESS), else through the local dev instance (npm start).

Examples:
  $ spooky-temporal schedules list
  $ spooky-temporal schedules create nightly-report --cron "0 3 * * *" --timezone Europe/Berlin --path /reports/nightly --payload '{"kind":"daily"}'
  $ spooky-temporal schedules pause nightly-report --note "while the reports DB migrates"
  $ spooky-temporal schedules trigger nightly-report
`,
  );

  schedules
    .command('list')
    .description('every schedule: when it fires, what it enqueues, next and last run')
    .addHelpText('after', "\nExamples:\n  $ spooky-temporal schedules list\n  $ spooky-temporal schedules list --json | jq '.[].name'\n")
    .action(async (_opts: unknown, cmd: Command) =>
      withSchedules(cmd, async (client, options) => {
        const list = await client.list();
        if (options.json) print(JSON.stringify(list, null, 2));
        else print(scheduleTableLines(list, { now: new Date(), colors: colorsFor(process.stdout) }));
      }),
    );

  schedules
    .command('create <name>')
    .description('make a schedule (kept across restarts; `delete` removes it)')
    .addHelpText(
      'after',
      `\nExamples:\n  $ spooky-temporal schedules create nightly-report --cron "0 3 * * *" --timezone Europe/Berlin --path /reports/nightly --payload '{"kind":"daily"}'\n  $ spooky-temporal schedules create digest --every 15m --path /digest --overlap buffer_one\n`,
    )
    .option('--cron <expr>', 'five-field cron expression, e.g. "0 3 * * *" (or @daily, @hourly, ...)')
    .option('--every <duration>', 'a fixed interval instead, e.g. 15m', durationArg)
    .option('--timezone <zone>', 'IANA time zone of the cron expression', 'UTC')
    .option('--backend <name>', 'backend app (default: the only one)')
    .requiredOption('--path <path>', 'POST path of the backend, e.g. /reports/nightly')
    .option('--payload <json>', 'JSON body of each job', '{}')
    .addOption(new Option('--overlap <policy>', 'when a slot comes while the last job still runs').choices([...OVERLAP_POLICIES]).default('skip'))
    .option('--catchup-window <duration>', 'run slots missed while Temporal was down if this recent', durationArg)
    .option('--paused', 'create it paused')
    .option('--max-retries <n>', 'retries of each job after its first attempt', intArg('the number of retries', 0), 3)
    .option('--priority <p>', 'critical, high, normal, low, or 1 (first) … 5 (last)', priorityArg)
    .option('--queue <name>', 'named queue of the jobs')
    .option('--fairness-key <key>', 'fairness key of the jobs (e.g. a tenant id)')
    .action(async (name: string, opts: CreateOptions, cmd: Command) =>
      withSchedules(cmd, async (client, options) => {
        let payload: unknown;
        try {
          payload = JSON.parse(opts.payload ?? '{}');
        } catch {
          throw new UsageError(`--payload: expected JSON, e.g. '{"kind":"daily"}'`);
        }
        const created = await client
          .create({
          name,
          ...(opts.cron !== undefined ? { cron: opts.cron } : {}),
          ...(opts.every !== undefined ? { every: opts.every } : {}),
          timezone: opts.timezone ?? 'UTC',
          ...(opts.backend ? { backend: opts.backend } : {}),
          path: opts.path,
          payload,
          overlap: opts.overlap as (typeof OVERLAP_POLICIES)[number],
          ...(opts.catchupWindow !== undefined ? { catchupWindow: opts.catchupWindow } : {}),
          paused: opts.paused ?? false,
          maxRetries: opts.maxRetries ?? 3,
          ...(opts.priority !== undefined ? { priority: priorityLevel(opts.priority) } : {}),
          ...(opts.queue ? { queue: opts.queue } : {}),
          ...(opts.fairnessKey ? { fairnessKey: opts.fairnessKey } : {}),
          })
          // A bad cron, zone, backend or path is bad input: exit 2 with what is accepted.
          .catch((error: unknown) => {
            throw error instanceof ConfigError ? new UsageError(error.message) : error;
          });
        if (options.json) print(JSON.stringify(created, null, 2));
        else print(scheduleActionLine('created', name));
      }),
    );

  simple(schedules, 'pause', 'stop firing until resumed', 'paused');
  simple(schedules, 'resume', 'fire again from the next slot', 'resumed');
  simple(schedules, 'trigger', 'enqueue one job now, whatever the slot and overlap policy', 'triggered');
  simple(schedules, 'delete', 'remove the schedule (its jobs stay); a config schedule returns at the next start unless removed from config', 'deleted');
}
