// Pure formatting of jobs for humans: the list table, its footer, one job's details,
// and the one-line outcomes of kill/retry/clear. No I/O; `now` and widths are passed in.
import type { JobStatus, KillOutcome, RetryOutcome } from '../../core/interfaces.js';
import { PRIORITY_NAMES } from '../../core/enqueueOptions.js';
import type { ClearPreview, JobStats, JobView, QueueView } from './jobsBackend.js';
import { formatDuration } from '../../core/duration.js';
import { NO_COLORS, displayWidth, padEnd, truncate, type Colors } from './output.js';

export const LIST_COLUMNS = ['ID', 'BACKEND', 'PATH', 'STATUS', 'RETRY', 'AGE', 'LAST ERROR'] as const;

/** Width LAST ERROR is cut to when the output is not a terminal (stable for scripts). */
export const DEFAULT_ERROR_WIDTH = 80;

export function colorStatus(status: JobStatus, colors: Colors): string {
  switch (status) {
    case 'pending':
      return colors.yellow(status);
    case 'processing':
      return colors.cyan(status);
    case 'success':
      return colors.green(status);
    case 'failed':
      return colors.red(status);
  }
}

/** Time since `iso` (e.g. `3m20s`), `-` when unknown. */
export function formatAge(iso: string | undefined, now: Date): string {
  if (!iso) return '-';
  const then = Date.parse(iso);
  return Number.isNaN(then) ? '-' : formatDuration(now.getTime() - then);
}

/** `[code] reason` of the latest error, or empty. */
export function lastErrorText(job: Pick<JobView, 'errors'>): string {
  const last = job.errors[job.errors.length - 1];
  return last ? `[${last.code}] ${last.reason}`.trim() : '';
}

export interface TableOptions {
  now: Date;
  /** Total width to fit in; LAST ERROR gets what is left. Undefined: cut errors at 80. */
  width?: number;
  colors?: Colors;
  /** Row index drawn highlighted (the dashboard's selection). */
  selected?: number;
}

/** Header line plus one line per job (same order as given). */
export function jobTableLines(jobs: readonly JobView[], options: TableOptions): string[] {
  const colors = options.colors ?? NO_COLORS;
  const cells = jobs.map((job) => [
    truncate(job.id, 40),
    truncate(job.backend, 16),
    truncate(job.path, 32),
    job.status,
    `${job.retries}/${job.maxRetries}`,
    formatAge(job.createdAt, options.now),
  ]);
  const widths = LIST_COLUMNS.slice(0, 6).map((title, i) =>
    Math.max(displayWidth(title), ...cells.map((row) => displayWidth(row[i] ?? ''))),
  );
  const gap = '  ';
  const fixed = widths.reduce((sum, w) => sum + w + gap.length, 0);
  const errorWidth = options.width === undefined ? DEFAULT_ERROR_WIDTH : Math.max(10, options.width - fixed - 2);
  const line = (values: string[], statusIndex: number | undefined, status?: JobStatus) =>
    values
      .map((value, i) => {
        if (i === 6) return value;
        const shown = i === statusIndex && status ? colorStatus(status, colors) : value;
        return padEnd(shown, widths[i] ?? 0);
      })
      .join(gap)
      .trimEnd();
  const header = colors.bold(line([...LIST_COLUMNS], undefined));
  const body = jobs.map((job, index) => {
    const text = line([...(cells[index] ?? []), truncate(lastErrorText(job), errorWidth)], 3, job.status);
    return index === options.selected ? colors.inverse(`${text}`) : text;
  });
  return [header, ...body];
}

/** `N pending N processing N success N failed (N total)`. */
export function countsLine(stats: Pick<JobStats, 'counts' | 'total'>, colors: Colors = NO_COLORS): string {
  const c = stats.counts;
  return (
    `${c.pending} ${colors.yellow('pending')} ${c.processing} ${colors.cyan('processing')} ` +
    `${c.success} ${colors.green('success')} ${c.failed} ${colors.red('failed')} (${stats.total} total)`
  );
}

/** Failed share of finished jobs, `-` when none finished. */
export function failRate(stats: Pick<JobStats, 'counts'>): string {
  const finished = stats.counts.success + stats.counts.failed;
  return finished === 0 ? '-' : `${((100 * stats.counts.failed) / finished).toFixed(1)}%`;
}

export function successesPerMinute(stats: Pick<JobStats, 'recentSuccesses' | 'windowMinutes'>): string {
  return (stats.recentSuccesses / Math.max(1, stats.windowMinutes)).toFixed(1);
}

/** The list footer: counts, then fail rate, throughput and the oldest pending job. */
export function footerLines(stats: JobStats, now: Date, colors: Colors = NO_COLORS): string[] {
  const oldest = stats.oldestPendingAt ? formatAge(stats.oldestPendingAt, now) : '-';
  return [
    countsLine(stats, colors),
    `fail rate ${failRate(stats)} · ${successesPerMinute(stats)} success/min (last ${stats.windowMinutes} min) · ` +
      `oldest pending ${oldest}`,
  ];
}

function json(value: unknown): string[] {
  if (value === undefined) return ['(none)'];
  const text = typeof value === 'string' ? value : JSON.stringify(value, null, 2);
  return (text ?? 'null').split('\n');
}

const PRIORITY_LABELS: Record<number, string> = Object.fromEntries(Object.entries(PRIORITY_NAMES).map(([name, level]) => [level, name]));

/** Every field of one job, its payload, each error and its result, plus the Temporal UI link. */
export function jobDetailLines(job: JobView, options: { now: Date; colors?: Colors; uiLink?: string }): string[] {
  const colors = options.colors ?? NO_COLORS;
  const field = (name: string, value: string) => `${colors.dim(padEnd(name, 13))}${value}`;
  const lines = [
    `${colors.bold(job.id)}  ${colorStatus(job.status, colors)}`,
    field('backend', `${job.backend} (table ${job.table})`),
    field('path', job.path),
    field('status', colorStatus(job.status, colors)),
    field('retries', `${job.retries}/${job.maxRetries} (${job.retryStrategy})`),
    field('delay', job.delayMs ? formatDuration(job.delayMs) : '0'),
    field('timeout', job.timeoutSeconds !== undefined ? `${job.timeoutSeconds}s` : '(backend default)'),
    field('created', `${job.createdAt} (${formatAge(job.createdAt, options.now)} ago)`),
    field('updated', job.updatedAt ? `${job.updatedAt} (${formatAge(job.updatedAt, options.now)} ago)` : '-'),
  ];
  // How the job is scheduled: what an operator checks when a job waits longer than others.
  if (job.priority !== undefined) lines.push(field('priority', `${job.priority}${PRIORITY_LABELS[job.priority] ? ` (${PRIORITY_LABELS[job.priority]})` : ''}`));
  if (job.queue) lines.push(field('queue', job.queue));
  if (job.fairnessKey) lines.push(field('fairness key', job.fairnessKey));
  if (job.schedule) lines.push(field('schedule', job.schedule));
  if (job.idempotencyKey) lines.push(field('idempotency', job.idempotencyKey));
  if (job.assignedTo) lines.push(field('assigned to', job.assignedTo));
  if (job.assignee) lines.push(field('assignee', job.assignee));
  if (job.killRequestedAt) lines.push(field('kill asked', job.killRequestedAt));
  lines.push(field('run', String(job.run)), field('workflow', job.workflowId));
  if (options.uiLink) lines.push(field('temporal ui', options.uiLink));
  lines.push('', colors.bold('payload'), ...json(job.payload).map((l) => `  ${l}`));
  lines.push('', colors.bold(`errors (${job.errors.length})`));
  if (job.errors.length === 0) lines.push('  (none)');
  job.errors.forEach((error, i) => {
    lines.push(`  #${i + 1} attempt ${error.attempt}  ${error.at || '-'}  ${colors.red(`[${error.code}]`)} ${error.reason}`);
  });
  if (job.result !== undefined) lines.push('', colors.bold('result'), ...json(job.result).map((l) => `  ${l}`));
  return lines;
}

export function killLine(outcome: KillOutcome): string {
  if (outcome.outcome === 'killed') return `killed ${outcome.jobId} (was ${outcome.previousStatus})`;
  if (outcome.outcome === 'kill-requested') {
    return `kill of ${outcome.jobId} requested, but its workflow has not closed yet: it ends as cancelled once a worker of its task queue runs (is one up?)`;
  }
  if (outcome.outcome === 'too-late') return `${outcome.jobId} succeeded before the kill reached it: its backend had already answered 2xx`;
  return `${outcome.jobId} already finished (${outcome.status})`;
}

export function retryLine(outcome: RetryOutcome): string {
  return `re-enqueued ${outcome.jobId} as ${outcome.workflowId} (run ${outcome.run})`;
}

/** One line per table; with `olderThanMs`, says the age limit too. */
export function clearLines(counts: Record<string, number>, options: { olderThanMs?: number } = {}): string[] {
  const entries = Object.entries(counts);
  if (entries.length === 0) return ['no job tables configured'];
  const age = options.olderThanMs === undefined ? '' : ` (finished more than ${formatDuration(options.olderThanMs)} ago)`;
  return entries.map(([table, n]) => `deleted ${n} job${n === 1 ? '' : 's'} from ${table}${age}`);
}

export const CLEAR_PREVIEW_COLUMNS = ['ID', 'STATUS', 'FINISHED AT'] as const;

/**
 * `clear --dry-run`: what is taken, then per table the count and the first jobs that would go
 * (id, status, finish time and age), and how many more are not listed.
 */
export function clearPreviewLines(preview: ClearPreview, options: { now: Date; colors?: Colors }): string[] {
  const colors = options.colors ?? NO_COLORS;
  const tables = Object.entries(preview.wouldDelete);
  if (tables.length === 0) return ['no job tables configured'];
  const taken = preview.cutoff
    ? `jobs that finished before ${preview.cutoff} (${formatAge(preview.cutoff, options.now)} ago)`
    : 'every finished job (success, failed)';
  const lines = [colors.bold(`dry run, nothing deleted: ${taken}`)];
  for (const [table, n] of tables) {
    lines.push(`would delete ${n} job${n === 1 ? '' : 's'} from ${table}`);
    const jobs = preview.jobs.filter((job) => job.table === table);
    if (jobs.length === 0) continue;
    const cells = jobs.map((job) => [truncate(job.id, 40), job.status, `${job.finishedAt} (${formatAge(job.finishedAt, options.now)} ago)`]);
    const widths = CLEAR_PREVIEW_COLUMNS.map((title, i) => Math.max(displayWidth(title), ...cells.map((row) => displayWidth(row[i] ?? ''))));
    const line = (values: readonly string[], status?: JobStatus) =>
      `  ${values
        .map((value, i) => (i === values.length - 1 ? value : padEnd(i === 1 && status ? colorStatus(status, colors) : value, widths[i] ?? 0)))
        .join('  ')}`;
    lines.push(colors.bold(line(CLEAR_PREVIEW_COLUMNS)));
    cells.forEach((row, i) => lines.push(line(row, jobs[i]!.status)));
    if (n > jobs.length) lines.push(`  … and ${n - jobs.length} more (list more with --limit)`);
  }
  return lines;
}

/**
 * One warning per queue with pending jobs that no worker serves; nothing when every queue is
 * served. `compact` (the dashboard's one line) leaves out the task queue's name.
 */
export function unservedQueueLines(queues: readonly QueueView[], colors: Colors = NO_COLORS, options: { compact?: boolean } = {}): string[] {
  return queues
    .filter((q) => !q.served)
    .map(
      (q) =>
        colors.yellow(`queue ${q.queue} (${q.backend}): ${q.pending} pending job${q.pending === 1 ? '' : 's'}, no runner serves it`) +
        `${options.compact ? '' : ` (task queue ${q.taskQueue})`}; they wait until one does: spooky-temporal start --queues ${q.queue}`,
    );
}
