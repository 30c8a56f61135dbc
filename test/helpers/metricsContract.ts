// The metrics `start` serves on /metrics (README, Operating it), as the deployment files use them:
// the Grafana dashboard, the Prometheus Adapter rule behind the worker HPA. A test that scrapes
// a runner can check its output against this list too.

export type MetricType = 'counter' | 'histogram' | 'gauge';

export interface MetricSpec {
  type: MetricType;
  labels: readonly string[];
}

/** Labels of every job metric: `path` is the path TEMPLATE (/users/{id}), never the raw path. */
const JOB = ['backend', 'table', 'path'] as const;

export const FAILURE_REASONS = ['http_4xx', 'http_5xx', 'timeout', 'invalid', 'killed', 'transport'] as const;

export const SPOOKY_METRICS: Record<string, MetricSpec> = {
  spooky_jobs_enqueued_total: { type: 'counter', labels: JOB },
  spooky_jobs_started_total: { type: 'counter', labels: JOB },
  spooky_jobs_succeeded_total: { type: 'counter', labels: JOB },
  spooky_jobs_failed_total: { type: 'counter', labels: [...JOB, 'reason'] },
  spooky_jobs_retried_total: { type: 'counter', labels: JOB },
  spooky_jobs_killed_total: { type: 'counter', labels: JOB },
  spooky_attempt_duration_seconds: { type: 'histogram', labels: JOB },
  spooky_job_end_to_end_seconds: { type: 'histogram', labels: JOB },
  spooky_job_pickup_lag_seconds: { type: 'histogram', labels: JOB },
  spooky_job_delay_lateness_seconds: { type: 'histogram', labels: JOB },
  spooky_jobs_pending: { type: 'gauge', labels: ['table', 'queue'] },
  spooky_oldest_pending_age_seconds: { type: 'gauge', labels: ['table'] },
  spooky_calls_in_flight: { type: 'gauge', labels: ['backend'] },
  spooky_schedule_next_run_timestamp_seconds: { type: 'gauge', labels: ['schedule'] },
  spooky_schedule_paused: { type: 'gauge', labels: ['schedule'] },
};

/** The Temporal SDK's own worker metrics that the deployment files read (names as the SDK exports them). */
export const TEMPORAL_SDK_METRICS: Record<string, MetricSpec> = {
  temporal_worker_task_slots_available: { type: 'gauge', labels: ['namespace', 'task_queue', 'worker_type'] },
  temporal_worker_task_slots_used: { type: 'gauge', labels: ['namespace', 'task_queue', 'worker_type'] },
};

/** Labels Prometheus adds to every scraped series (deploy/prometheus.yml, the PodMonitor). */
export const TARGET_LABELS = ['job', 'instance', 'component', 'namespace', 'pod'] as const;

/** The spec of a series name, histogram series (`_bucket`, `_sum`, `_count`) included. */
export function metricOf(series: string): (MetricSpec & { name: string; series: 'bucket' | 'sum' | 'count' | 'value' }) | undefined {
  const all = { ...SPOOKY_METRICS, ...TEMPORAL_SDK_METRICS };
  if (all[series]) return { name: series, series: 'value', ...all[series] };
  const [, base, suffix] = /^(.*)_(bucket|sum|count)$/.exec(series) ?? [];
  const spec = base ? all[base] : undefined;
  return spec?.type === 'histogram' ? { name: base!, series: suffix as 'bucket' | 'sum' | 'count', ...spec } : undefined;
}
