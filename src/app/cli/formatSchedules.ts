// Text for `schedules list` and the one-line outcomes of the other schedule commands. Pure.
import type { JobScheduleConfig, RetentionConfig } from '../../core/interfaces.js';
import type { ScheduleInfo } from '../schedulesClient.js';
import { formatDuration } from '../../core/duration.js';
import { NO_COLORS, displayWidth, padEnd, type Colors } from './output.js';

function when(info: ScheduleInfo): string {
  const d = info.definition;
  if (!d) return '?';
  if ('olderThanMs' in d) return `every ${formatDuration(d.everyMs)}`;
  const s = d as JobScheduleConfig;
  return `${s.cron !== undefined ? `cron "${s.cron}"` : `every ${formatDuration(s.everyMs ?? 0)}`} ${s.timezone}`;
}

function what(info: ScheduleInfo): string {
  const d = info.definition;
  if (!d) return '?';
  if ('olderThanMs' in d) return `delete finished jobs older than ${formatDuration((d as RetentionConfig).olderThanMs)}`;
  const s = d as JobScheduleConfig;
  return `${s.backend} POST ${s.path}${s.queue ? ` (queue ${s.queue})` : ''}`;
}

export function scheduleTableLines(schedules: readonly ScheduleInfo[], options: { now: Date; colors?: Colors }): string[] {
  const colors = options.colors ?? NO_COLORS;
  if (schedules.length === 0) return ['no schedules (declare them under schedules: in sp00ky.yml, or `spooky-temporal schedules create`)'];
  const rows = schedules.map((s) => [
    s.name,
    when(s),
    what(s),
    s.overlap,
    s.paused ? colors.yellow('paused') : colors.green('active'),
    s.managedBy,
    s.paused || !s.nextRuns[0] ? '-' : `in ${formatDuration(s.nextRuns[0].getTime() - options.now.getTime())}`,
    s.recentRuns.at(-1) ? `${formatDuration(options.now.getTime() - s.recentRuns.at(-1)!.takenAt.getTime())} ago` : '-',
  ]);
  const header = ['NAME', 'WHEN', 'ENQUEUES', 'OVERLAP', 'STATE', 'FROM', 'NEXT', 'LAST'];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => displayWidth(r[i]!))));
  const line = (cells: string[]) => cells.map((c, i) => (i === cells.length - 1 ? c : padEnd(c, widths[i]!))).join('  ');
  return [colors.bold(line(header)), ...rows.map(line)];
}

export function scheduleActionLine(action: 'created' | 'paused' | 'resumed' | 'triggered' | 'deleted', name: string): string {
  const more: Record<typeof action, string> = {
    created: ' (it shows in the Temporal UI under Schedules)',
    paused: ': no slot runs until it is resumed (missed slots are not caught up)',
    resumed: '',
    triggered: ': one job enqueued now',
    deleted: ': jobs it already enqueued are kept',
  };
  return `schedule ${name} ${action}${more[action]}`;
}
