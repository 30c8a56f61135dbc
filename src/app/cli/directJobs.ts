// JobsBackend over a JobsClient: SurrealDB directly, Temporal for kill/retry/clear --all.
// Used by `jobs --url ...` (opens its own connections) and inside `dev` (borrows the runner's).
import type { Priority } from '../../core/enqueueOptions.js';
import type { Surreal } from 'surrealdb';
import type { RunnerConfig } from '../../core/interfaces.js';
import { JobsClient, type ClearOptions } from '../jobs/jobsClient.js';
import { ClearOptionsError, DEFAULT_PRUNE_SAMPLE_LIMIT } from '../../adapters/sql/pruneJobs.js';
import { BackendRegistry } from '../../config/backendRegistry.js';
import { TableShapes } from '../../adapters/db/tableShape.js';
import { JobNotFoundError } from '../../core/errors.js';
import { findJobsByPrefix } from '../../adapters/sql/findJobsByPrefix.js';
import { jobStats } from '../../adapters/sql/jobStats.js';
import { openSurreal, redactUrl } from '../../adapters/db/connect.js';
import { assertTemporalReady, connectFailure, lazyTemporalConnection, temporalClientFor } from '../../adapters/temporal/connectTemporal.js';
import { resolveJobRef } from './resolveJobRef.js';
import { configSecrets } from '../../config/configSecrets.js';
import { secretScrubber, type SecretScrubber } from '../../core/redactSecrets.js';
import { UsageError, explainDatabaseError } from './cliErrors.js';
import {
  JOB_STATUSES,
  toJobView,
  type BackendInfo,
  type ClearPreview,
  type ClearPreviewOptions,
  type EnqueueRequest,
  type JobStats,
  type JobView,
  type JobsBackend,
  type ListOptions,
  type QueueView,
} from './jobsBackend.js';

export const STATS_WINDOW_MINUTES = 5;

export interface DirectJobsDeps {
  jobs: JobsClient;
  db: () => Surreal;
  backends: { name: string; table: string }[];
  target: string;
  temporalNamespace: string;
  temporalUiUrl?: string;
  /** Called before an operation that needs Temporal (kill, retry, clear --all). */
  ensureTemporal?: () => Promise<void>;
  /** Set when no backend is configured (tables only): why enqueue and retry are refused. */
  withoutBackends?: string;
  /** Closes what this backend opened (nothing when it borrows a runner's connections). */
  close?: () => Promise<void>;
  /** Scrubs the config's secrets from rows before they are shown (rows written by older releases may hold them). */
  scrub?: SecretScrubber;
}

export class DirectJobs implements JobsBackend {
  constructor(private readonly deps: DirectJobsDeps) {}

  /** Runs a database operation, explaining a missing job table. */
  async #db<T>(operation: () => Promise<T>): Promise<T> {
    try {
      return await operation();
    } catch (error) {
      throw explainDatabaseError(error);
    }
  }

  /** Connects to SurrealDB now and to Temporal on the first operation that needs it. */
  static async open(
    config: RunnerConfig,
    options: { temporalUiUrl?: string; connectTimeoutMs?: number; withoutBackends?: string } = {},
  ): Promise<DirectJobs> {
    const registry = await BackendRegistry.load(config);
    const db = await openSurreal(config.surreal, { timeoutMs: options.connectTimeoutMs });
    const connection = lazyTemporalConnection(config.temporal);
    const client = temporalClientFor(connection, config.temporal);
    let temporalUsed = false;
    const jobs = new JobsClient({ db: () => db, client, registry, shapes: new TableShapes(() => db) });
    return new DirectJobs({
      jobs,
      db: () => db,
      backends: options.withoutBackends ? [] : config.backends.map((b) => ({ name: b.name, table: b.table })),
      ...(options.withoutBackends ? { withoutBackends: options.withoutBackends } : {}),
      target: `SurrealDB ${redactUrl(config.surreal.url)} (${config.surreal.namespace}/${config.surreal.database}), Temporal ${config.temporal.address}`,
      temporalNamespace: config.temporal.namespace,
      ...(options.temporalUiUrl ? { temporalUiUrl: options.temporalUiUrl } : {}),
      scrub: secretScrubber(configSecrets(config)),
      ensureTemporal: async () => {
        temporalUsed = true;
        await assertTemporalReady(config.temporal, 5_000);
        try {
          await connection.ensureConnected();
        } catch (cause) {
          throw await connectFailure(config.temporal, cause);
        }
      },
      close: async () => {
        if (temporalUsed) await connection.close().catch(() => undefined);
        await db.close().catch(() => undefined);
      },
    });
  }

  get #tables(): string[] {
    return this.deps.jobs.tables;
  }

  #view = (row: Parameters<typeof toJobView>[0]): JobView => {
    const view = toJobView(row, (table) => this.deps.backends.find((b) => b.table === table)?.name);
    return this.deps.scrub ? this.deps.scrub.value(view) : view;
  };

  info(): Promise<BackendInfo> {
    return Promise.resolve({
      target: this.deps.target,
      tables: this.#tables,
      backends: this.deps.backends,
      temporalNamespace: this.deps.temporalNamespace,
      ...(this.deps.temporalUiUrl ? { temporalUiUrl: this.deps.temporalUiUrl } : {}),
    });
  }

  async list(options: ListOptions = {}): Promise<JobView[]> {
    if (options.table !== undefined && !this.#tables.includes(options.table)) {
      throw new UnknownTableError(options.table, this.#tables);
    }
    const rows = await this.#db(() => this.deps.jobs.list({ ...options, limit: options.limit ?? 200 }));
    return rows.map(this.#view);
  }

  async resolve(ref: string): Promise<string> {
    return this.#db(() =>
      resolveJobRef(ref, this.#tables, async (table, prefix, limit) =>
        (await findJobsByPrefix(this.deps.db(), table, prefix, limit)).map((c) => ({ ...c, table })),
      ),
    );
  }

  async get(ref: string): Promise<JobView> {
    const id = await this.resolve(ref);
    const row = await this.#db(() => this.deps.jobs.get(id));
    if (!row) throw new JobNotFoundError(id);
    return this.#view(row);
  }

  async kill(ref: string) {
    const id = await this.resolve(ref);
    await this.deps.ensureTemporal?.();
    return this.#db(() => this.deps.jobs.kill(id));
  }

  async retry(ref: string) {
    if (this.deps.withoutBackends) throw new UsageError(`cannot retry: ${this.deps.withoutBackends}`);
    const id = await this.resolve(ref);
    await this.deps.ensureTemporal?.();
    return this.#db(() => this.deps.jobs.retry(id));
  }

  async clear(options: ClearOptions = {}): Promise<Record<string, number>> {
    // Only `all` cancels workflows; with an age limit or a dry run, JobsClient refuses it before any Temporal call.
    if (options.all && options.olderThanMs === undefined && !options.dryRun) await this.deps.ensureTemporal?.();
    return this.#db(() => usage(() => this.deps.jobs.clear(options)));
  }

  async previewClear(options: ClearPreviewOptions = {}): Promise<ClearPreview> {
    const result = await this.#db(() =>
      usage(() =>
        this.deps.jobs.prune({
          ...(options.olderThanMs !== undefined ? { olderThanMs: options.olderThanMs } : {}),
          dryRun: true,
          sampleLimit: options.limit ?? DEFAULT_PRUNE_SAMPLE_LIMIT,
        }),
      ),
    );
    return { ...(result.cutoff ? { cutoff: result.cutoff } : {}), wouldDelete: result.counts, jobs: result.jobs };
  }

  async queues(): Promise<QueueView[]> {
    await this.deps.ensureTemporal?.();
    const queues = await this.#db(() => this.deps.jobs.queues());
    return queues.map(({ lastPollAt, ...queue }) => ({ ...queue, ...(lastPollAt ? { lastPollAt: lastPollAt.toISOString() } : {}) }));
  }

  async enqueue(request: EnqueueRequest): Promise<string> {
    if (this.deps.withoutBackends) throw new UsageError(`cannot enqueue: ${this.deps.withoutBackends}`);
    return this.#db(() => this.#enqueue(request));
  }

  #enqueue(request: EnqueueRequest): Promise<string> {
    return this.deps.jobs.enqueue(request.backend, request.path, request.payload, {
      ...(request.delay !== undefined ? { delay: request.delay } : {}),
      ...(request.maxRetries !== undefined ? { maxRetries: request.maxRetries } : {}),
      ...(request.retryStrategy !== undefined ? { retryStrategy: request.retryStrategy } : {}),
      ...(request.timeout !== undefined ? { timeout: request.timeout } : {}),
      ...(request.assignedTo !== undefined ? { assignedTo: request.assignedTo } : {}),
      ...(request.idempotencyKey !== undefined ? { idempotencyKey: request.idempotencyKey } : {}),
      ...(request.priority !== undefined ? { priority: request.priority as Priority } : {}),
      ...(request.queue !== undefined ? { queue: request.queue } : {}),
      ...(request.fairnessKey !== undefined ? { fairnessKey: request.fairnessKey } : {}),
    });
  }

  async stats(): Promise<JobStats> {
    const stats: JobStats = {
      counts: { pending: 0, processing: 0, success: 0, failed: 0 },
      total: 0,
      recentSuccesses: 0,
      recentFailures: 0,
      windowMinutes: STATS_WINDOW_MINUTES,
    };
    let oldest: Date | undefined;
    for (const table of this.#tables) {
      const t = await this.#db(() => jobStats(this.deps.db(), table, STATS_WINDOW_MINUTES));
      for (const status of JOB_STATUSES) stats.counts[status] += t.counts[status] ?? 0;
      stats.recentSuccesses += t.recentSuccesses;
      stats.recentFailures += t.recentFailures;
      if (t.oldestPendingAt && (!oldest || t.oldestPendingAt < oldest)) oldest = t.oldestPendingAt;
    }
    stats.total = JOB_STATUSES.reduce((sum, status) => sum + stats.counts[status], 0);
    if (oldest) stats.oldestPendingAt = oldest.toISOString();
    return stats;
  }

  /** Defines the job tables and functions (idempotent); returns the tables. */
  async deploySchema(): Promise<string[]> {
    await this.deps.jobs.deploySchema();
    return this.#tables;
  }

  async close(): Promise<void> {
    await this.deps.close?.();
  }
}

/** Options of clear that do not go together are bad usage (exit 2, HTTP 400), not a failed operation. */
async function usage<T>(operation: () => Promise<T>): Promise<T> {
  try {
    return await operation();
  } catch (error) {
    if (error instanceof ClearOptionsError) throw new UsageError(error.message, { cause: error });
    throw error;
  }
}

/** `--table` names no configured job table. */
export class UnknownTableError extends UsageError {
  constructor(
    readonly table: string,
    readonly tables: string[],
  ) {
    super(`unknown job table ${JSON.stringify(table)}: expected one of ${tables.join(', ') || '(none configured)'}`);
  }
}
