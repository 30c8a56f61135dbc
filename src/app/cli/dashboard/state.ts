// The dashboard's state and what each key does to it. Pure: effects (kill, retry, refresh,
// quit) are returned as actions for run.ts to carry out.
import type { JobStatus } from '../../../core/interfaces.js';
import type { JobStats, JobView, QueueView } from '../jobsBackend.js';

export type Filter = 'all' | JobStatus;
export const FILTERS: readonly Filter[] = ['all', 'pending', 'processing', 'success', 'failed'];

export interface DashboardState {
  /** What the dashboard talks to (header). */
  target: string;
  filter: Filter;
  jobs: JobView[];
  stats?: JobStats;
  /** Queues with pending jobs (from the last queue check); unserved ones are shown as warnings. */
  queues?: QueueView[];
  /** Index into `jobs` of the selected row (kept on the same job id across refreshes). */
  selected: number;
  selectedId?: string;
  view: 'list' | 'details';
  /** Scroll offset of the details view. */
  detailsScroll: number;
  message?: { text: string; kind: 'info' | 'error' };
  loaded: boolean;
  /** Temporal UI link base and namespace, for the details view. */
  temporalUiUrl?: string;
  temporalNamespace: string;
}

export type DashboardAction =
  | { type: 'quit' }
  | { type: 'refresh' }
  | { type: 'kill'; id: string }
  | { type: 'retry'; id: string };

export interface Key {
  name?: string;
  ctrl?: boolean;
  sequence?: string;
}

export function initialState(target: string, options: { temporalUiUrl?: string; temporalNamespace?: string } = {}): DashboardState {
  return {
    target,
    filter: 'all',
    jobs: [],
    selected: 0,
    view: 'list',
    detailsScroll: 0,
    loaded: false,
    ...(options.temporalUiUrl ? { temporalUiUrl: options.temporalUiUrl } : {}),
    temporalNamespace: options.temporalNamespace ?? 'default',
  };
}

/** The latest queue check; `undefined` when the backend cannot tell (it keeps the last answer). */
export function withQueues(state: DashboardState, queues: QueueView[] | undefined): DashboardState {
  return queues ? { ...state, queues } : state;
}

/** New data from a refresh; the selection follows its job, or stays at the same row. */
export function withData(state: DashboardState, jobs: JobView[], stats: JobStats): DashboardState {
  const byId = state.selectedId === undefined ? -1 : jobs.findIndex((job) => job.id === state.selectedId);
  const selected = byId >= 0 ? byId : Math.max(0, Math.min(state.selected, jobs.length - 1));
  const selectedId = jobs[selected]?.id;
  const view = state.view === 'details' && selectedId === undefined ? 'list' : state.view;
  return { ...state, jobs, stats, selected, ...(selectedId ? { selectedId } : { selectedId: undefined }), view, loaded: true };
}

export function withMessage(state: DashboardState, text: string, kind: 'info' | 'error' = 'info'): DashboardState {
  return { ...state, message: { text, kind } };
}

export function selectedJob(state: DashboardState): JobView | undefined {
  return state.jobs[state.selected];
}

function select(state: DashboardState, index: number): DashboardState {
  const selected = Math.max(0, Math.min(index, state.jobs.length - 1));
  return { ...state, selected, selectedId: state.jobs[selected]?.id, detailsScroll: 0 };
}

export function handleKey(state: DashboardState, key: Key, pageSize = 10): { state: DashboardState; action?: DashboardAction } {
  if ((key.ctrl && key.name === 'c') || key.name === 'q') return { state, action: { type: 'quit' } };
  if (key.name === 'escape') {
    return state.view === 'details' ? { state: { ...state, view: 'list' } } : { state, action: { type: 'quit' } };
  }
  const job = selectedJob(state);
  switch (key.name) {
    case 'up':
      return state.view === 'details'
        ? { state: { ...state, detailsScroll: Math.max(0, state.detailsScroll - 1) } }
        : { state: select(state, state.selected - 1) };
    case 'down':
      return state.view === 'details'
        ? { state: { ...state, detailsScroll: state.detailsScroll + 1 } }
        : { state: select(state, state.selected + 1) };
    case 'pageup':
      return { state: select(state, state.selected - pageSize) };
    case 'pagedown':
      return { state: select(state, state.selected + pageSize) };
    case 'home':
      return { state: select(state, 0) };
    case 'end':
      return { state: select(state, state.jobs.length - 1) };
    case 'return':
    case 'enter':
      if (state.view === 'details') return { state: { ...state, view: 'list' } };
      return job ? { state: { ...state, view: 'details', detailsScroll: 0 } } : { state };
    case 'f': {
      const filter = FILTERS[(FILTERS.indexOf(state.filter) + 1) % FILTERS.length] ?? 'all';
      return {
        state: { ...state, filter, selected: 0, selectedId: undefined, view: 'list', message: { text: `filter: ${filter}`, kind: 'info' } },
        action: { type: 'refresh' },
      };
    }
    case 'k':
      if (!job) return { state: withMessage(state, 'no job selected', 'error') };
      return { state: withMessage(state, `killing ${job.id}…`), action: { type: 'kill', id: job.id } };
    case 'r':
      if (!job) return { state: withMessage(state, 'no job selected', 'error') };
      return { state: withMessage(state, `retrying ${job.id}…`), action: { type: 'retry', id: job.id } };
    default:
      return { state };
  }
}
