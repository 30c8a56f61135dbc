// The job counters and histograms, fed by runner.events (no row read per event). Labels are
// bounded: backend and table come from the config, path is the path's template.
// Each measure is taken where its events are published, so bridge and workers may be separate
// processes and a sum over processes counts each job once: enqueued and pickup lag by the
// bridge (`started`); started, attempt duration, lateness and end to end by the worker that
// ran the attempts (`processing` carries the row's times, read by its claim).
import { Counter, Histogram, type Registry } from 'prom-client';
import type { JobEvent, JobEvents } from '../../core/jobEvents.js';
import { failureReason, OTHER_PATH_LABEL } from '../../core/metricLabels.js';
import type { BackendRegistry } from '../../config/backendRegistry.js';

type Labels = { backend: string; table: string; path: string };
const LABELS = ['backend', 'table', 'path'] as const;
/** Jobs remembered between their events (pickup → attempt → outcome); oldest forgotten past this. */
const MAX_TRACKED = 10_000;
const SECONDS = [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300, 900, 3600];

interface Tracked {
  labels?: Labels;
  /** This process started its workflow (so a later `invalid` is not a second pickup). */
  enqueued?: boolean;
  /**
   * When the row was written: from `processing` (the worker's claim) or this process's `started`.
   * A bridge-only process sees no terminal event of a job that ran, so it observes no end to end;
   * with both in one process, a job that ends without an attempt (killed while waiting, invalid)
   * is observed too.
   */
  createdAtMs?: number;
  attemptStartedMs?: number;
}

export function feedJobMetrics(events: JobEvents, registry: BackendRegistry, metrics: Registry, now: () => number = Date.now): () => void {
  const counter = (name: string, help: string, extra: string[] = []) =>
    new Counter({ name, help, labelNames: [...LABELS, ...extra], registers: [metrics] });
  const histogram = (name: string, help: string) => new Histogram({ name, help, labelNames: LABELS, buckets: SECONDS, registers: [metrics] });
  const enqueued = counter('spooky_jobs_enqueued_total', 'Job rows the bridge picked up (workflow started or row found invalid)');
  const started = counter('spooky_jobs_started_total', 'Jobs whose first attempt began');
  const succeeded = counter('spooky_jobs_succeeded_total', 'Jobs that ended in success');
  const failed = counter('spooky_jobs_failed_total', 'Jobs that ended failed, by reason', ['reason']);
  const retried = counter('spooky_jobs_retried_total', 'Failed attempts that will be retried');
  const killed = counter('spooky_jobs_killed_total', 'Jobs killed or cancelled by an operator');
  const attemptDuration = histogram('spooky_attempt_duration_seconds', 'One attempt: claim to recorded outcome');
  const endToEnd = histogram('spooky_job_end_to_end_seconds', 'Row written to terminal status (jobs whose last attempt ran in this process)');
  const pickupLag = histogram('spooky_job_pickup_lag_seconds', 'Row written to workflow started');
  const lateness = histogram('spooky_job_delay_lateness_seconds', 'Due time to first attempt (first attempts run in this process)');

  const tracked = new Map<string, Tracked>();
  const track = (jobId: string): Tracked => {
    let entry = tracked.get(jobId);
    if (!entry) {
      if (tracked.size >= MAX_TRACKED) tracked.delete(tracked.keys().next().value!);
      tracked.set(jobId, (entry = {}));
    }
    return entry;
  };
  const labelsOf = (event: JobEvent, entry: Tracked): Labels => {
    const table = event.table ?? entry.labels?.table ?? event.jobId.slice(0, Math.max(0, event.jobId.indexOf(':')));
    const backend = event.backend ?? entry.labels?.backend ?? registry.byTable(table)?.name ?? 'unknown';
    const path = event.path !== undefined ? registry.pathLabel(backend, event.path) : (entry.labels?.path ?? OTHER_PATH_LABEL);
    return (entry.labels = { backend, table, path });
  };

  const listener = (event: JobEvent): void => {
    const entry = track(event.jobId);
    const labels = labelsOf(event, entry);
    const t = now();
    const seconds = (fromMs: number | undefined) => (fromMs === undefined ? undefined : Math.max(0, t - fromMs) / 1000);
    switch (event.status) {
      case 'started':
        enqueued.inc(labels);
        entry.enqueued = true;
        if (event.createdAtMs !== undefined) {
          entry.createdAtMs = event.createdAtMs;
          pickupLag.observe(labels, seconds(event.createdAtMs)!);
        }
        return;
      case 'processing':
        entry.attemptStartedMs = t;
        if (event.createdAtMs !== undefined) entry.createdAtMs = event.createdAtMs;
        if (event.attempt === 1) {
          started.inc(labels);
          if (event.dueAtMs !== undefined) lateness.observe(labels, seconds(event.dueAtMs)!);
        }
        return;
      case 'pending':
        if (event.error) retried.inc(labels);
        observeAttempt();
        // The next attempt's `processing` brings the row's times again, maybe to another worker.
        if (!entry.enqueued) tracked.delete(event.jobId);
        return;
      case 'success':
        succeeded.inc(labels);
        return finish();
      case 'invalid':
      case 'failed': {
        if (event.status === 'invalid' && event.error?.attempt === 0 && !entry.enqueued) enqueued.inc(labels);
        const reason = failureReason(event.error?.code);
        failed.inc({ ...labels, reason });
        if (reason === 'killed' || reason === 'cancelled') killed.inc(labels);
        return finish();
      }
      default:
        return;
    }
    function observeAttempt(): void {
      if (entry.attemptStartedMs !== undefined) attemptDuration.observe(labels, seconds(entry.attemptStartedMs)!);
      entry.attemptStartedMs = undefined;
    }
    function finish(): void {
      observeAttempt();
      if (entry.createdAtMs !== undefined) endToEnd.observe(labels, seconds(entry.createdAtMs)!);
      tracked.delete(event.jobId);
    }
  };
  events.on('job', listener);
  return () => events.off('job', listener);
}
