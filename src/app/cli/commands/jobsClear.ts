// `jobs clear`: deletes finished jobs, or with --older-than and --dry-run shows what retention would delete.
import type { Command } from 'commander';
import { durationArg, intArg } from '../args.js';
import { UsageError } from '../cliErrors.js';
import { clearLines, clearPreviewLines } from '../formatJobs.js';
import { colors, print, printJson, withBackend } from './jobsCommandSupport.js';

export function registerJobsClear(jobs: Command): void {
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
}
