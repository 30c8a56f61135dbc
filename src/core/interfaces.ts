// Public types of spooky-temporal, in one place (as graphile-worker does); workflow code imports them too: no runtime imports.

/** The four states of a job row, as in Sp00ky's job table. */
export type JobStatus = 'pending' | 'processing' | 'success' | 'failed';

export type RetryStrategy = 'linear' | 'exponential';

/**
 * One entry of a row's `errors` array.
 * `code` is the HTTP status, 0 for a transport error, or one of the words below.
 */
export type JobErrorCode = number | 'timeout' | 'killed' | 'cancelled' | 'invalid';

export interface JobErrorEntry {
  code: JobErrorCode;
  reason: string;
  /** 1-based attempt number the error belongs to (0 when the job never ran). */
  attempt: number;
  /** ISO-8601 time of the failure. */
  at: string;
}

/** What one job of a backend may ask for; defaults and the check live in config/jobLimits.ts. */
export interface JobLimits {
  /** Largest payload, in bytes of its JSON (UTF-8), that a job may carry (default 1 MiB). */
  payloadBytes: number;
  /** Longest `delay` (ms) a job may ask for (default 1 year). */
  delayMs: number;
  /** Longest per-job `timeout` (s) a row may ask for, on a backend with timeoutOverridable (default 1 h). */
  timeoutSeconds: number;
}
/** One backend app (Sp00ky `type: backend`), normalised from sp00ky.yml or SPKY_JOB_CONFIG. */
export interface BackendConfig {
  name: string;
  /** The outbox table whose rows belong to this backend. */
  table: string;
  baseUrl: string;
  /** Secret. Sent as `Authorization: Bearer <token>`; never logged, never put in workflow input. */
  authToken?: string;
  /** HTTP timeout in seconds (Sp00ky `deploy.timeout`, default 10). */
  timeoutSeconds: number;
  /** Whether a row's `timeout` may override `timeoutSeconds` (Sp00ky `deploy.timeoutOverridable`). */
  timeoutOverridable: boolean;
  /** Absolute path of the backend's OpenAPI file, when one is configured. */
  specPath?: string;
  /**
   * The paths jobs may POST to: prefixes ending in '/' (`/hooks/`) or whole paths and patterns
   * (`/users/{id}`). A backend without a spec needs these or `allowAnyPath`; with a spec they narrow it.
   */
  allowedPaths?: string[];
  /** A backend without a spec accepts any safe path (`start` warns about it). */
  allowAnyPath?: boolean;
  /** Most HTTP calls one worker runs at once for this backend. */
  concurrency: number;
  /**
   * Largest `max_retries` a job of this backend may ask for (default 100). Each attempt adds
   * history to its workflow; a row over the limit fails as `invalid`, it is not clamped.
   */
  maxRetriesLimit: number;
  /** Backoff base in ms: linear waits base·(n+1), exponential base·2^n. */
  backoffBaseMs: number;
  /** Upper bound of any wait between attempts, in ms. */
  backoffMaxMs: number;
  /** Temporal task queue of this backend's workers. */
  taskQueue: string;
  /** What one job may ask for (payload size, delay, per-job timeout). */
  limits: JobLimits;
}

export interface SurrealConnectionConfig {
  /** `mem://`, `surrealkv://<dir>`, `ws://host:port`, `http://host:port`, ... */
  url: string;
  namespace: string;
  database: string;
  username?: string;
  /** Secret. */
  password?: string;
  /**
   * Where the user is defined: `root` (system user, default), `namespace` or `database`. Remote
   * servers only; an embedded engine signs in only when this is set explicitly.
   */
  authLevel?: SurrealAuthLevel;
  /** PEM file of the CA that signed a wss:// server's certificate (e.g. self-signed). */
  caFile?: string;
}

export type SurrealAuthLevel = 'root' | 'namespace' | 'database';

/** TLS to Temporal; every field is optional (no field: TLS with the system's CAs). */
export interface TemporalTlsConfig {
  /** PEM file of the CA that signed the server's certificate; default: the system's CAs. */
  caFile?: string;
  /** PEM client certificate for mTLS (with keyFile). */
  certFile?: string;
  /** PEM private key of certFile. Secret: its content is never logged. */
  keyFile?: string;
  /** Name to verify the server's certificate against (and SNI), when it differs from the address's host. */
  serverName?: string;
}

export interface TemporalConnectionConfig {
  address: string;
  namespace: string;
  /** TLS settings; absent: plaintext, unless an apiKey is set (it implies TLS); `false`: plaintext even then. */
  tls?: TemporalTlsConfig | false;
  /** Temporal Cloud API key, sent as `Authorization: Bearer`. Secret. */
  apiKey?: string;
  /** Payload encryption (AES-256-GCM): base64 keys by id, oldest first, the last encrypts. Secret. Absent: payloads in clear. */
  codec?: { keys: { id: string; key: string }[] };
}

/** What Temporal does when a slot comes while the previous slot's job still runs (its ScheduleOverlapPolicy). */
export type OverlapPolicyName = 'skip' | 'buffer_one' | 'buffer_all' | 'cancel_other' | 'terminate_other' | 'allow_all';

/** A cron job: on each slot, Temporal's Schedule enqueues one job (`<table>:sched_<name>_<slot>`). */
export interface JobScheduleConfig {
  name: string;
  /** Five-field cron expression (or @daily, ...), matched in `timezone`. Exactly one of cron/everyMs. */
  cron?: string;
  /** A fixed interval instead of a cron expression. */
  everyMs?: number;
  /** IANA time zone of the cron expression; default UTC. */
  timezone: string;
  backend: string;
  table: string;
  path: string;
  payload: unknown;
  overlap: OverlapPolicyName;
  /** Slots missed (server down) within this window are run late; older ones are skipped. */
  catchupWindowMs: number;
  paused: boolean;
  maxRetries: number;
  retryStrategy: RetryStrategy;
  priority?: number;
  queue?: string;
  /** Fairness key of its jobs (Temporal dispatches different keys in turn). */
  fairnessKey?: string;
}

/** Finished rows older than `olderThanMs` are deleted every `everyMs`, by a Temporal Schedule. */
export interface RetentionConfig {
  olderThanMs: number;
  everyMs: number;
}

export interface RunnerConfig {
  backends: BackendConfig[];
  surreal: SurrealConnectionConfig;
  temporal: TemporalConnectionConfig;
  /** Cron jobs declared in config; reconciled with Temporal's Schedules at start. */
  schedules?: JobScheduleConfig[];
  retention?: RetentionConfig;
  /**
   * Name of the deployment the config's schedules belong to: at start a runner deletes only the
   * config schedules of its own deployment that its config no longer lists. Default `spooky-temporal`.
   */
  deployment?: string;
  /** Named queues this process's workers serve (default `['default']`); `createRunner({ queues })` wins. */
  queues?: string[];
  /** Where the config came from, for error messages ("sp00ky.yml", "SPKY_JOB_CONFIG", "object"). */
  source: string;
}

/** A job row as the runner understands it, whatever the table's exact definition. */
export interface JobRow {
  /** `table:key`, e.g. `job:abc123`. */
  id: string;
  table: string;
  path: string;
  payload: unknown;
  status: JobStatus;
  retries: number;
  maxRetries: number;
  retryStrategy: RetryStrategy;
  delayMs: number;
  timeoutSeconds?: number;
  assignedTo?: string;
  assignee?: string;
  errors: JobErrorEntry[];
  result?: unknown;
  createdAt: Date;
  updatedAt?: Date;
  /** How many times the job was enqueued (1, then +1 per retry); 1 on tables without the field. */
  run: number;
  killRequestedAt?: Date;
  /** The enqueuer's key: at most one job per (table, key); sent as `Idempotency-Key`. */
  idempotencyKey?: string;
  /** 1 (critical) … 5 (lowest); 3 (normal) by default. Temporal's task priority of the job's workflow. */
  priority?: number;
  /** Named queue (default `default`): the job runs only on runners that serve it. */
  queue?: string;
  /** Tenant for fairness (default: `assignedTo`): backlogs of different keys are served in turn. */
  fairnessKey?: string;
  /** The schedule that enqueued this job; its first run is started by the schedule's workflow. */
  schedule?: string;
  /** W3C traceparent of the enqueue: the workflow is started in that trace. */
  traceparent?: string;
}

/** Everything the job workflow needs; contains no secret. */
export interface JobWorkflowInput {
  jobId: string;
  table: string;
  backend: string;
  path: string;
  payload: unknown;
  /** Absolute due time (epoch ms): created_at + delay. A late start never extends the delay. */
  dueAtMs: number;
  maxRetries: number;
  retryStrategy: RetryStrategy;
  /** Effective HTTP timeout in ms, already resolved against timeoutOverridable. */
  timeoutMs: number;
  backoffBaseMs: number;
  backoffMaxMs: number;
  /** Same for every attempt of one enqueue; the workflow id. */
  idempotencyKey: string;
  run: number;
  /** Set when a run continues as new: the next attempt and when it is due. */
  resume?: { attempt: number; dueAtMs: number };
  /**
   * For tests: continue as new at this many history events instead of the default 2,000.
   * Absent in production; runs started without it keep the default, so no patch is needed.
   */
  continueAsNewAtEvents?: number;
}

export type JobWorkflowResult =
  | { status: 'success'; attempts: number; result: unknown }
  | { status: 'failed'; attempts: number; error: JobErrorEntry }
  /** The row was no longer pending when the workflow tried to claim it (killed or finished elsewhere). */
  | { status: 'fenced'; attempts: number; rowStatus: string };

/** What kill() did. */
export type KillOutcome =
  | { outcome: 'killed'; jobId: string; previousStatus: JobStatus }
  | { outcome: 'already-finished'; jobId: string; status: JobStatus }
  /** The backend answered 2xx before the kill reached its call: the job succeeded. */
  | { outcome: 'too-late'; jobId: string; status: 'success' }
  /**
   * The workflow was asked to cancel but had not closed within the wait (no worker serves its
   * task queue, or every worker is down): the job ends as `cancelled` once a worker runs again.
   */
  | { outcome: 'kill-requested'; jobId: string; status: 'processing' };

/** Options of kill(). */
export interface KillOptions {
  /** How long to wait for an in-flight job's workflow to close, ms (default 30,000). */
  waitMs?: number;
}

/** What retry() did. */
export type RetryOutcome = { outcome: 're-enqueued'; jobId: string; workflowId: string; run: number };
