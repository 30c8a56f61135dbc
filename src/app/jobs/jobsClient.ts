// The developers' and operators' API over job rows and their workflows: enqueue, get, list,
// kill, retry, clear, deploy the schema. Each protocol lives in its own module under jobs/.
import type { JobRow, JobStatus, KillOptions, KillOutcome, RetryOutcome } from '../../core/interfaces.js';
import { JobNotFoundError } from '../../core/errors.js';
import { parseJobRow } from '../../adapters/db/jobRow.js';
import { deploySchema } from '../../adapters/db/deploySchema.js';
import { isJobId, tableOf } from '../../adapters/db/recordId.js';
import { listJobs } from '../../adapters/sql/listJobs.js';
import { pruneJobs, type PruneOptions, type PruneResult } from '../../adapters/sql/pruneJobs.js';
import { JobHandle } from './jobHandle.js';
import { JobBuilder } from './jobBuilder.js';
import type { EnqueueOptions } from '../../core/enqueueOptions.js';
import { readJob, type JobsClientDeps } from './jobsClientDeps.js';
import { enqueueJob, enqueueJobs, type EnqueueItem } from './enqueueJobs.js';
import { killJob } from './killJob.js';
import { retryJob } from './retryJob.js';
import { clearJobs, type ClearOptions } from './clearJobs.js';
import { queueStatus, type QueueStatus } from './queueStatus.js';
import { jobTotals, type JobTotals } from './jobTotals.js';
import { findJobsByPrefix } from '../../adapters/sql/findJobsByPrefix.js';

export type { ClearOptions, JobsClientDeps, JobTotals, QueueStatus };

export class JobsClient {
  constructor(private readonly deps: JobsClientDeps) {}

  get tables(): string[] {
    return this.deps.registry.tables;
  }

  async deploySchema(): Promise<void> {
    await deploySchema(this.deps.db(), this.tables);
    this.deps.shapes.forget();
  }

  /** Enqueues like Sp00ky's `db.run` and returns a handle on the job (see enqueue). */
  async run(backendName: string, path: string, payload: unknown, options: EnqueueOptions = {}): Promise<JobHandle> {
    return this.handle(await this.enqueue(backendName, path, payload, options));
  }

  /** A lazy builder: `.delay('5m').priority('high').retries(5).enqueue()` → handle. */
  background(backendName: string, path: string, payload: unknown): JobBuilder {
    return new JobBuilder((options) => this.run(backendName, path, payload, options));
  }

  /** Enqueues at once with the defaults and returns a handle (the builder's shorthand). */
  bg(backendName: string, path: string, payload: unknown): Promise<JobHandle> {
    return this.run(backendName, path, payload);
  }

  /** A handle on an existing job, e.g. from an id stored by another process. */
  handle(jobId: string): JobHandle {
    this.#assertKnownTable(jobId);
    return new JobHandle(jobId, {
      db: this.deps.db,
      get: (id) => this.get(id),
      kill: (id, options) => this.kill(id, options),
      retry: (id) => this.retry(id),
    });
  }

  /**
   * Validates like Sp00ky's db.run (backend, declared path, payload schema) and writes the row;
   * returns its id. With an idempotency key that is already taken, returns that job's id.
   */
  enqueue(backendName: string, path: string, payload: unknown, options: EnqueueOptions = {}): Promise<string> {
    return enqueueJob(this.deps, { backend: backendName, path, payload, options });
  }

  /**
   * Many enqueues in one transaction: all rows are written, or none. Every item is validated
   * first; an invalid one throws InvalidJobError naming its index, and nothing is written.
   * Items whose idempotency key exists (or repeats an earlier item's) get that job's handle.
   */
  async enqueueMany(items: readonly EnqueueItem[]): Promise<JobHandle[]> {
    return (await enqueueJobs(this.deps, items)).map((id) => this.handle(id));
  }

  async get(jobId: string): Promise<JobRow | undefined> {
    this.#assertKnownTable(jobId);
    return readJob(this.deps, jobId);
  }

  /** Newest first across tables (by updated_at). */
  async list(options: { status?: JobStatus; table?: string; limit?: number } = {}): Promise<JobRow[]> {
    const tables = options.table ? [options.table] : this.tables;
    const rows: JobRow[] = [];
    for (const table of tables) {
      for (const raw of await listJobs(this.deps.db(), table, { status: options.status, limit: options.limit ?? 200 })) {
        const parsed = parseJobRow(raw);
        if (parsed.ok) rows.push(parsed.row);
      }
    }
    return rows.sort((a, b) => (b.updatedAt ?? b.createdAt).getTime() - (a.updatedAt ?? a.createdAt).getTime());
  }

  /** Ids of one job table whose key starts with `keyPrefix`, the exact key first (at most `limit`). */
  async findByKeyPrefix(table: string, keyPrefix: string, limit: number): Promise<{ id: string; key: string }[]> {
    return findJobsByPrefix(this.deps.db(), table, keyPrefix, limit);
  }

  /** Counts by status over every job table, the outcomes of the last `windowMinutes`, the oldest pending job. */
  totals(windowMinutes = 5): Promise<JobTotals> {
    return jobTotals(this.deps.db(), this.tables, windowMinutes);
  }

  /**
   * Every queue with pending jobs, and whether a worker serves it. A job on a queue no runner
   * serves waits there: start a runner with that queue (`spooky-temporal start --queues <name>`).
   */
  queues(): Promise<QueueStatus[]> {
    return queueStatus(this.deps, this.tables);
  }

  /**
   * Kill = cancel the job's workflow (see killJob). Resolves once the row is terminal, or after
   * `waitMs` (default 30 s) with `kill-requested`: the cancellation still applies when a worker runs.
   */
  async kill(jobId: string, options: KillOptions = {}): Promise<KillOutcome> {
    this.#assertKnownTable(jobId);
    return killJob(this.deps, jobId, options);
  }

  /** Re-runs a failed or successful job as a new enqueue (new workflow id; the old run stays in the UI). */
  async retry(jobId: string): Promise<RetryOutcome> {
    this.#assertKnownTable(jobId);
    return retryJob(this.deps, jobId);
  }

  /**
   * Deletes terminal jobs; `all` also pending ones (their workflows are cancelled). Never processing jobs.
   * With `olderThanMs`, only terminal jobs that finished longer ago, in batches (see pruneJobs).
   * With `dryRun`, deletes nothing and returns what would go. Returns the count per table.
   * Throws ClearOptionsError for `all` with `olderThanMs` or `dryRun`.
   */
  clear(options: ClearOptions = {}): Promise<Record<string, number>> {
    return clearJobs(this.deps, this.tables, options);
  }

  /**
   * Retention over every job table with the whole report: deletes (in batches) the terminal jobs
   * that finished more than `olderThanMs` ago, or with `dryRun` counts them and lists the first
   * rows. Without `olderThanMs`: every terminal job. Never pending or processing jobs.
   */
  prune(options: PruneOptions = {}): Promise<PruneResult> {
    return pruneJobs(this.deps.db(), this.deps.shapes, this.tables, options);
  }

  #assertKnownTable(jobId: string): void {
    if (!isJobId(jobId) || !this.tables.includes(tableOf(jobId))) {
      throw new JobNotFoundError(jobId);
    }
  }
}
