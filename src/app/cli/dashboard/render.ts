// Pure: dashboard state → exactly `height` lines, each at most `width` columns.
import { countsLine, failRate, formatAge, jobDetailLines, jobTableLines, successesPerMinute, unservedQueueLines } from '../formatJobs.js';
import { temporalUiLink } from '../jobsBackend.js';
import { NO_COLORS, displayWidth, fitLine, truncate, type Colors } from '../output.js';
import { FILTERS, selectedJob, type DashboardState } from './state.js';

export interface RenderOptions {
  width: number;
  height: number;
  now: Date;
  colors?: Colors;
}

const LIST_HELP = '↑/↓ select  Enter details  k kill  r retry  f filter  q quit';
const DETAILS_HELP = '↑/↓ scroll  Enter/Esc back  k kill  r retry  q quit';

export function renderDashboard(state: DashboardState, options: RenderOptions): string[] {
  const colors = options.colors ?? NO_COLORS;
  const width = Math.max(20, options.width);
  const height = Math.max(5, options.height);
  const clock = options.now.toISOString().slice(11, 19);
  const title = `${colors.bold('spooky-temporal jobs')} · ${state.target}`;
  const header = [
    spread(title, colors.dim(clock), width),
    summary(state, options.now, colors),
    // A queue no runner serves is why its jobs stay pending: say so where the operator looks.
    ...unservedQueueLines(state.queues ?? [], colors, { compact: true }),
    filterBar(state, colors),
  ];
  const footer = helpLine(state, colors);

  const body = state.view === 'details' ? detailsBody(state, options, colors, height - header.length - 1) : listBody(state, options, colors, height - header.length - 1);
  const lines = [...header, ...body, footer].map((line) => fitLine(line, width));
  while (lines.length < height) lines.splice(lines.length - 1, 0, '');
  return lines.slice(0, height - 1).concat(lines[lines.length - 1] ?? '');
}

function spread(left: string, right: string, width: number): string {
  const gap = width - displayWidth(left) - displayWidth(right);
  return gap >= 1 ? `${left}${' '.repeat(gap)}${right}` : left;
}

function summary(state: DashboardState, now: Date, colors: Colors): string {
  if (!state.stats) return colors.dim(state.loaded ? 'no stats' : 'loading…');
  const s = state.stats;
  const oldest = s.oldestPendingAt ? formatAge(s.oldestPendingAt, now) : '-';
  return `${countsLine(s, colors)}   fail rate ${failRate(s)} · ${successesPerMinute(s)} success/min · oldest pending ${oldest}`;
}

function filterBar(state: DashboardState, colors: Colors): string {
  const items = FILTERS.map((filter) => (filter === state.filter ? colors.inverse(`[${filter}]`) : ` ${filter} `));
  return `filter ${items.join(' ')}`;
}

function helpLine(state: DashboardState, colors: Colors): string {
  const help = colors.dim(state.view === 'details' ? DETAILS_HELP : LIST_HELP);
  if (!state.message) return help;
  const text = state.message.kind === 'error' ? colors.red(state.message.text) : colors.cyan(state.message.text);
  return `${help}   ${text}`;
}

function listBody(state: DashboardState, options: RenderOptions, colors: Colors, rows: number): string[] {
  if (rows <= 0) return [];
  const lines: string[] = [''];
  if (state.jobs.length === 0) {
    lines.push(state.loaded ? `  no ${state.filter === 'all' ? '' : `${state.filter} `}jobs` : '  loading…');
    return lines;
  }
  const job = selectedJob(state);
  // Leave room for the selected job's preview when there is space for it.
  const previewRows = job && rows >= 16 ? Math.min(12, Math.floor(rows / 3)) : 0;
  const tableRows = Math.max(1, rows - lines.length - 1 - previewRows - (previewRows ? 1 : 0));
  const start = Math.max(0, Math.min(state.selected - Math.floor(tableRows / 2), state.jobs.length - tableRows));
  const visible = state.jobs.slice(start, start + tableRows);
  const table = jobTableLines(visible, { now: options.now, colors, width: options.width - 2, selected: state.selected - start });
  lines.push(`  ${table[0] ?? ''}`);
  table.slice(1).forEach((line, i) => lines.push(`${start + i === state.selected ? '>' : ' '} ${line}`));
  if (state.jobs.length > tableRows) lines.push(colors.dim(`  … ${state.selected + 1}/${state.jobs.length}`));
  if (job && previewRows > 0) {
    while (lines.length < rows - previewRows - 1) lines.push('');
    lines.push(colors.dim(`── ${job.id} ${'─'.repeat(Math.max(0, options.width - job.id.length - 4))}`));
    lines.push(...preview(job, previewRows, options.width, colors));
  }
  return lines.slice(0, rows);
}

function preview(job: NonNullable<ReturnType<typeof selectedJob>>, rows: number, width: number, colors: Colors): string[] {
  const out = [`${colors.bold('payload')} ${truncate(JSON.stringify(job.payload) ?? 'null', width - 10)}`];
  if (job.result !== undefined) out.push(`${colors.bold('result')}  ${truncate(JSON.stringify(job.result) ?? 'null', width - 10)}`);
  out.push(colors.bold(`errors (${job.errors.length})`) + (job.errors.length === 0 ? ' none' : ''));
  const room = rows - out.length;
  // Every error when they fit; else the latest ones, saying how many are hidden.
  const shown = job.errors.length <= room ? job.errors : job.errors.slice(job.errors.length - (room - 1));
  if (shown.length < job.errors.length) out.push(colors.dim(`  … ${job.errors.length - shown.length} earlier (Enter for all)`));
  const offset = job.errors.length - shown.length;
  shown.forEach((error, i) =>
    out.push(truncate(`  #${offset + i + 1} attempt ${error.attempt} ${error.at} [${error.code}] ${error.reason}`, width)),
  );
  return out.slice(0, rows);
}

function detailsBody(state: DashboardState, options: RenderOptions, colors: Colors, rows: number): string[] {
  const job = selectedJob(state);
  if (!job || rows <= 0) return [];
  const link = state.temporalUiUrl ? temporalUiLink(state.temporalUiUrl, state.temporalNamespace, job.workflowId) : undefined;
  const all = ['', ...jobDetailLines(job, { now: options.now, colors, ...(link ? { uiLink: link } : {}) })];
  const scroll = Math.max(0, Math.min(state.detailsScroll, all.length - rows));
  return all.slice(scroll, scroll + rows);
}
