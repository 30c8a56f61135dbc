// The developers' and operators' API over job rows and their workflows:
// enqueue, get, list, kill, retry, clear, deploy the schema.
import type { Client } from '@temporalio/client';
import { StringRecordId, type Surreal } from 'surrealdb';
import type { JobErrorEntry, JobRow, JobStatus, KillOptions, KillOutcome, RetryOutcome, RetryStrategy } from './interfaces.js';
import { InvalidJobError, JobNotFoundError, JobStateError } from './errors.js';
import type { BackendRegistry } from './runner/backendRegistry.js';
import type { TableShape, TableShapes } from './db/tableShape.js';
import type { JobEvents } from './runner/jobEvents.js';
import { parseJobRow } from './db/jobRow.js';
import { deploySchema } from './db/deploySchema.js';
import { isJobId, tableOf } from './db/recordId.js';
import { getJob } from './sql/getJob.js';
import { listJobs } from './sql/listJobs.js';
import { failJob } from './sql/failJob.js';
import { resetJobForRetry } from './sql/resetJobForRetry.js';
import { deleteFinishedJobs } from './sql/deleteFinishedJobs.js';
import { deletePendingJobs } from './sql/deletePendingJobs.js';
import { createJob } from './sql/createJob.js';
import { createJobs } from './sql/createJobs.js';
import { findJobByIdempotencyKey } from './sql/findJobByIdempotencyKey.js';
import { ClearOptionsError, pruneJobs, type PruneOptions, type PruneResult } from './pruneJobs.js';
import { JobHandle } from './jobHandle.js';
import { JobBuilder, checkFairnessKey, checkQueueName, priorityLevel, type Priority } from './jobBuilder.js';
import { requestKill } from './sql/requestKill.js';
import { workflowIdFor } from './workflows/workflowId.js';
import { buildWorkflowInput } from './bridge/buildWorkflowInput.js';
import { jobRequestProblem } from './config/jobLimits.js';
import { startJobWorkflow } from './bridge/startJobWorkflow.js';
import { cancelJobWorkflow } from './bridge/cancelJobWorkflow.js';
import { countPendingByQueue } from './sql/countPendingByQueue.js';
import { latestJobRun } from './temporal/latestJobRun.js';
import { taskQueuePollers } from './temporal/taskQueuePollers.js';
import { taskQueueFor } from './runner/taskQueues.js';

export interface EnqueueOptions {
  /** Record to link the job to (Sp00ky's `assignedTo`), e.g. `thread:abc`. */
  assignedTo?: string;
  /** Retries after the first attempt (default 3): attempts = max_retries + 1. */
  maxRetries?: number;
  retryStrategy?: RetryStrategy;
  /** Per-job HTTP timeout in seconds; used only if the backend has timeoutOverridable. */
  timeout?: number;
  /** Milliseconds the job stays pending before it runs. */
  delay?: number;
  /**
   * At most one job per (table, key): enqueueing a key that exists returns the existing job.
   * Sent to the backend as `Idempotency-Key` (default: the job's workflow id). 1–255 characters.
   */
  idempotencyKey?: string;
  /** critical, high, normal (default), low, or 1 (first) … 5 (last): Temporal's task priority. */
  priority?: Priority;
  /** A named queue (default `default`): only runners serving it take the job. */
  queue?: string;
  /** The tenant this job is fair to (default: assignedTo); at most 255 characters. */
  fairnessKey?: string;
}

/** A queue with pending jobs, and whether any worker serves it. */
export interface QueueStatus {
  table: string;
  backend: string;
  queue: string;
  taskQueue: string;
  pending: number;
  /** A worker polled its task queue in the last two minutes. */
  served: boolean;
  lastPollAt?: Date;
}

export interface ClearOptions {
  /** Also delete pending jobs (their workflows are cancelled). Not with `olderThanMs` or `dryRun`. */
  all?: boolean;
  /** Only terminal jobs that finished more than this many ms ago (updated_at, else created_at). */
  olderThanMs?: number;
  /** Delete nothing; return per table how many jobs a real run would delete (rows: see prune). */
  dryRun?: boolean;
  /** With `all`: pending rows deleted (and their workflows cancelled) per statement. Default 1,000. */
  batchSize?: number;
}

export interface JobsClientDeps {
  db: () => Surreal;
  client: Client;
  registry: BackendRegistry;
  shapes: TableShapes;
  /** Where row changes made by this API (a kill) are announced, like the worker's. */
  events?: JobEvents;
}

/** How long kill() waits for the workflow to mirror the kill to the row. */
const KILL_SETTLE_TIMEOUT_MS = 30_000;
/** Pending rows `clear({ all })` deletes per statement. */
const CLEAR_BATCH_SIZE = 1_000;
/** How long retry() waits for a finished job's workflow to close. */
const RUN_CLOSE_TIMEOUT_MS = 10_000;

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
  async enqueue(backendName: string, path: string, payload: unknown, options: EnqueueOptions = {}): Promise<string> {
    const job = await this.#prepare(backendName, path, payload, options);
    if (job.key !== undefined) {
      const existing = await findJobByIdempotencyKey(this.deps.db(), job.table, job.key);
      if (existing) return existing;
    }
    try {
      return await createJob(this.deps.db(), job.shape, job.table, job.row);
    } catch (error) {
      // Another enqueue of the same key won the race: the unique index refused this one.
      const winner = job.key === undefined ? undefined : await findJobByIdempotencyKey(this.deps.db(), job.table, job.key);
      if (winner) return winner;
      throw error;
    }
  }

  /**
   * Many enqueues in one transaction: all rows are written, or none. Every item is validated
   * first; an invalid one throws InvalidJobError naming its index, and nothing is written.
   * Items whose idempotency key exists (or repeats an earlier item's) get that job's handle.
   */
  async enqueueMany(items: readonly { backend: string; path: string; payload: unknown; options?: EnqueueOptions }[]): Promise<JobHandle[]> {
    const jobs = await Promise.all(
      items.map(async (item, index) => {
        try {
          return await this.#prepare(item.backend, item.path, item.payload, item.options ?? {});
        } catch (error) {
          if (error instanceof InvalidJobError) throw new InvalidJobError(`(new, item ${index})`, error.reason, error.field);
          throw error;
        }
      }),
    );
    for (let tries = 1; ; tries++) {
      const ids: (string | undefined)[] = await Promise.all(
        jobs.map((job) => (job.key === undefined ? undefined : findJobByIdempotencyKey(this.deps.db(), job.table, job.key))),
      );
      const firstOfKey = new Map<string, number>();
      const toCreate: number[] = [];
      jobs.forEach((job, i) => {
        if (ids[i] !== undefined) return;
        const slot = job.key === undefined ? undefined : `${job.table}\u0000${job.key}`;
        if (slot !== undefined && firstOfKey.has(slot)) return;
        if (slot !== undefined) firstOfKey.set(slot, i);
        toCreate.push(i);
      });
      const tables = [...new Set(toCreate.map((i) => jobs[i]!.table))];
      try {
        const created = await createJobs(
          this.deps.db(),
          tables.map((table) => {
            const members = toCreate.filter((i) => jobs[i]!.table === table);
            return { table, shape: jobs[members[0]!]!.shape, rows: members.map((i) => jobs[i]!.row) };
          }),
        );
        tables.forEach((table, t) => toCreate.filter((i) => jobs[i]!.table === table).forEach((i, n) => (ids[i] = created[t]![n])));
      } catch (error) {
        // A key taken meanwhile by another enqueue: the transaction wrote nothing; look again.
        if (tries < 3 && jobs.some((job) => job.key !== undefined)) continue;
        throw error;
      }
      jobs.forEach((job, i) => {
        if (ids[i] === undefined && job.key !== undefined) ids[i] = ids[firstOfKey.get(`${job.table}\u0000${job.key}`)!];
      });
      return ids.map((id) => this.handle(id!));
    }
  }

  /** Checks one enqueue (backend, declared path, max_retries, payload schema, options) and builds its row. */
  async #prepare(backendName: string, path: string, payload: unknown, options: EnqueueOptions) {
    const backend = this.deps.registry.byBackendName(backendName);
    if (!backend) {
      const known = [...this.deps.registry.backends.keys()].join(', ');
      throw new InvalidJobError('(new)', `unknown backend ${backendName}: expected one of ${known}`);
    }
    try {
      this.deps.registry.assertDeclaredPath(backend.name, path);
    } catch (error) {
      throw new InvalidJobError('(new)', (error as Error).message);
    }
    // The bridge runs the same check on the row: what passes here runs, what fails here would end invalid.
    const problem = jobRequestProblem(
      { payload, maxRetries: options.maxRetries ?? 3, delayMs: options.delay, timeoutSeconds: options.timeout, idempotencyKey: options.idempotencyKey },
      backend,
    );
    if (problem) throw new InvalidJobError('(new)', problem.reason, problem.field);
    const check = this.deps.registry.validatePayload(backend.name, path, payload);
    if (!check.ok) throw new InvalidJobError('(new)', `payload does not match POST ${path}: ${check.reason}`);
    const shape = await this.deps.shapes.get(backend.table);
    const key = options.idempotencyKey;
    if (key !== undefined) {
      if (!shape.has('idempotency_key')) {
        throw new InvalidJobError('(new)', `table ${backend.table} has no idempotency_key field: run \`spooky-temporal schema deploy\` to add it`);
      }
    }
    const priority = options.priority === undefined ? undefined : checked(() => priorityLevel(options.priority!));
    if (options.queue !== undefined) checked(() => checkQueueName(options.queue!));
    if (options.fairnessKey !== undefined) checked(() => checkFairnessKey(options.fairnessKey!));
    // A Sp00ky table may lack the scheduling fields: refuse rather than drop what was asked for.
    const asked = { priority: options.priority, queue: options.queue, fairness_key: options.fairnessKey };
    for (const [field, value] of Object.entries(asked)) {
      if (value !== undefined && !shape.has(field)) {
        throw new InvalidJobError('(new)', `table ${backend.table} has no ${field} field: run \`spooky-temporal schema deploy\` to add it`);
      }
    }
    const row = {
      path,
      payload: JSON.stringify(payload ?? {}),
      max_retries: options.maxRetries ?? 3,
      retry_strategy: options.retryStrategy ?? 'linear',
      delay: options.delay,
      timeout: options.timeout,
      assigned_to: options.assignedTo ? new StringRecordId(options.assignedTo) : undefined,
      idempotency_key: key,
      priority,
      queue: options.queue,
      fairness_key: options.fairnessKey,
    };
    return { table: backend.table, shape, row, key };
  }

  async get(jobId: string): Promise<JobRow | undefined> {
    this.#assertKnownTable(jobId);
    const raw = await getJob(this.deps.db(), jobId);
    if (!raw) return undefined;
    const parsed = parseJobRow(raw);
    if (!parsed.ok) throw new InvalidJobError(jobId, parsed.reason);
    return parsed.row;
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

  /**
   * Every queue with pending jobs, and whether a worker serves it (as the Temporal server saw
   * its polls). A job on a queue no runner serves waits there, it is not lost: start a runner
   * with that queue (`spooky-temporal start --queues <name>`).
   */
  async queues(): Promise<QueueStatus[]> {
    const report: QueueStatus[] = [];
    for (const table of this.tables) {
      const backend = this.deps.registry.byTable(table)!;
      const counts = await countPendingByQueue(this.deps.db(), await this.deps.shapes.get(table), table);
      for (const [queue, pending] of [...counts].sort(([a], [b]) => a.localeCompare(b))) {
        const taskQueue = taskQueueFor(backend, queue);
        const pollers = await taskQueuePollers(this.deps.client, this.deps.client.options.namespace, taskQueue);
        report.push({ table, backend: backend.name, queue, taskQueue, pending, served: pollers.served, ...(pollers.lastPollAt ? { lastPollAt: pollers.lastPollAt } : {}) });
      }
    }
    return report;
  }

  /**
   * Kill = cancel the job's workflow. A pending job is fenced first (failed, `killed`), as
   * fn::job::kill does, so it never runs even while no worker is up; a job in flight is
   * cancelled and the workflow aborts the request and marks it `cancelled`.
   * Resolves once the row is terminal (in flight: after the workflow closed, at most `waitMs`,
   * default 30 s; then `kill-requested`, and the cancellation still applies when a worker runs).
   */
  async kill(jobId: string, options: KillOptions = {}): Promise<KillOutcome> {
    let row = await this.#mustGet(jobId);
    if (row.status === 'success' || row.status === 'failed') {
      return { outcome: 'already-finished', jobId, status: row.status };
    }
    const shape = await this.deps.shapes.get(row.table);
    const workflowId = await this.#currentWorkflowId(row, shape);
    if (row.status === 'pending') {
      const error: JobErrorEntry = { code: 'killed', reason: 'killed by operator', attempt: row.retries + 1, at: new Date().toISOString() };
      if (await failJob(this.deps.db(), shape, { jobId, error, from: ['pending'] })) {
        this.deps.events?.publish({ jobId, status: 'failed', attempt: error.attempt, error });
        await cancelJobWorkflow(this.deps.client, workflowId);
        return { outcome: 'killed', jobId, previousStatus: 'pending' };
      }
      row = await this.#mustGet(jobId); // claimed (or finished) meanwhile
      if (row.status === 'success' || row.status === 'failed') return { outcome: 'already-finished', jobId, status: row.status };
    }
    await requestKill(this.deps.db(), shape, jobId);
    if ((await cancelJobWorkflow(this.deps.client, workflowId)) === 'cancel-requested') {
      await this.#waitForClose(workflowId, options.waitMs ?? KILL_SETTLE_TIMEOUT_MS);
    } else {
      // In flight with no workflow left to abort it (the run was terminated by hand): end the row.
      const error: JobErrorEntry = { code: 'cancelled', reason: 'killed by operator; no workflow was running', attempt: row.retries + 1, at: new Date().toISOString() };
      if (await failJob(this.deps.db(), shape, { jobId, error, from: ['processing'] })) {
        this.deps.events?.publish({ jobId, status: 'failed', attempt: error.attempt, error });
      }
    }
    // A backend that answered 2xx before the kill reached its call did the work: the attempt
    // is a success, and the caller is told the kill came too late.
    const after = await this.get(jobId);
    if (after?.status === 'success') return { outcome: 'too-late', jobId, status: 'success' };
    if (after?.status === 'processing') return { outcome: 'kill-requested', jobId, status: 'processing' };
    return { outcome: 'killed', jobId, previousStatus: row.status };
  }

  /** Re-runs a failed or successful job as a new enqueue (new workflow id; the old run stays in the UI). */
  async retry(jobId: string): Promise<RetryOutcome> {
    const row = await this.#mustGet(jobId);
    if (row.status !== 'failed' && row.status !== 'success') {
      throw new JobStateError(jobId, row.status, 'only failed or success jobs can be retried; kill it first or wait');
    }
    const shape = await this.deps.shapes.get(row.table);
    // Tables with a `run` field number enqueues themselves. On a table without one (Sp00ky's
    // documented table) the next run follows the newest in Temporal, found before the row is
    // reset: a bridge that sees the reset row finds that same newest run and starts the same next one.
    const nextRunWithoutField = shape.has('run') ? undefined : await this.#nextRunFromTemporal(jobId);
    const reset = await resetJobForRetry(this.deps.db(), shape, jobId);
    const parsed = reset ? parseJobRow(reset) : undefined;
    if (!parsed?.ok) {
      const now = await this.#mustGet(jobId);
      throw new JobStateError(jobId, now.status, 'it changed while retrying; only failed or success jobs can be retried');
    }
    const run = nextRunWithoutField ?? parsed.row.run;
    const built = buildWorkflowInput({ ...parsed.row, run }, this.deps.registry);
    if (!built.ok) throw new InvalidJobError(jobId, built.reason);
    // A duplicate means a bridge started this very enqueue first.
    await startJobWorkflow(this.deps.client, built);
    return { outcome: 're-enqueued', jobId, workflowId: built.workflowId, run };
  }

  /** The run after the newest one Temporal has, once that one has closed (it may still be closing). */
  async #nextRunFromTemporal(jobId: string): Promise<number> {
    let latest = await latestJobRun(this.deps.client, jobId);
    if (latest?.status === 'RUNNING') {
      // The row is finished, so its run is closing: it ends right after its last row write.
      await this.#waitForClose(latest.workflowId, RUN_CLOSE_TIMEOUT_MS);
      latest = await latestJobRun(this.deps.client, jobId);
      if (latest?.status === 'RUNNING') {
        throw new JobStateError(jobId, 'processing', `its workflow ${latest.workflowId} is still running; kill it first or wait`);
      }
    }
    return (latest?.run ?? 0) + 1;
  }

  /** The workflow of the job's current enqueue: from the row's `run`, else from Temporal. */
  async #currentWorkflowId(row: JobRow, shape: TableShape): Promise<string> {
    if (shape.has('run')) return workflowIdFor(row.id, row.run);
    return (await latestJobRun(this.deps.client, row.id))?.workflowId ?? workflowIdFor(row.id, 1);
  }

  /**
   * Deletes terminal jobs; `all` also pending ones (their workflows are cancelled). Never processing jobs.
   * With `olderThanMs`, only terminal jobs that finished longer ago, in batches (see pruneJobs).
   * With `dryRun`, deletes nothing and returns what would go. Returns the count per table.
   * Throws ClearOptionsError for `all` with `olderThanMs` or `dryRun`.
   */
  async clear(options: ClearOptions = {}): Promise<Record<string, number>> {
    checkClearOptions(options);
    if (options.olderThanMs !== undefined || options.dryRun) {
      const result = await this.prune({
        ...(options.olderThanMs !== undefined ? { olderThanMs: options.olderThanMs } : {}),
        dryRun: options.dryRun ?? false,
        sampleLimit: 0,
      });
      return result.counts;
    }
    const counts: Record<string, number> = {};
    for (const table of this.tables) {
      counts[table] = (await deleteFinishedJobs(this.deps.db(), table, false)).length;
      if (options.all) counts[table] += await this.#clearPending(table, options.batchSize ?? CLEAR_BATCH_SIZE);
    }
    return counts;
  }

  /** Deletes every pending row of a table in batches, cancelling each one's workflow. */
  async #clearPending(table: string, batchSize: number): Promise<number> {
    const shape = await this.deps.shapes.get(table);
    let total = 0;
    for (;;) {
      const deleted = await deletePendingJobs(this.deps.db(), table, batchSize);
      total += deleted.length;
      for (const raw of deleted) {
        const parsed = parseJobRow(raw);
        if (!parsed.ok) continue;
        const workflowId = await this.#currentWorkflowId(parsed.row, shape).catch(() => workflowIdFor(parsed.row.id, parsed.row.run));
        await cancelJobWorkflow(this.deps.client, workflowId).catch(() => undefined);
      }
      if (deleted.length < batchSize) return total;
    }
  }

  /**
   * Retention over every job table with the whole report: deletes (in batches) the terminal jobs
   * that finished more than `olderThanMs` ago, or with `dryRun` counts them and lists the first
   * rows. Without `olderThanMs`: every terminal job. Never pending or processing jobs.
   */
  prune(options: PruneOptions = {}): Promise<PruneResult> {
    return pruneJobs(this.deps.db(), this.deps.shapes, this.tables, options);
  }

  async #mustGet(jobId: string): Promise<JobRow> {
    const row = await this.get(jobId);
    if (!row) throw new JobNotFoundError(jobId);
    return row;
  }

  #assertKnownTable(jobId: string): void {
    if (!isJobId(jobId) || !this.tables.includes(tableOf(jobId))) {
      throw new JobNotFoundError(jobId);
    }
  }

  async #waitForClose(workflowId: string, timeoutMs: number): Promise<void> {
    // The long poll is aborted at the deadline, so a kill that times out leaves no call behind.
    const deadline = new AbortController();
    const timer = setTimeout(() => deadline.abort(), timeoutMs);
    try {
      await this.deps.client.withAbortSignal(deadline.signal, () => this.deps.client.workflow.getHandle(workflowId).result());
    } catch {
      // Closed as failed or cancelled, or the deadline passed: the caller reads the row next.
    } finally {
      clearTimeout(timer);
    }
  }
}

/** `all` deletes pending jobs too, which neither the age filter nor the dry run covers. */
function checkClearOptions(options: ClearOptions): void {
  if (options.all && options.olderThanMs !== undefined) {
    throw new ClearOptionsError(
      'clear: `all` cannot be combined with `olderThanMs`: an age limit only deletes finished (success, failed) jobs. ' +
        'Drop `all` to delete finished jobs older than the limit, or drop `olderThanMs` to delete every finished and pending job',
    );
  }
  if (options.all && options.dryRun) {
    throw new ClearOptionsError(
      'clear: `dryRun` does not support `all`: dry-run without `all` to see the finished jobs that would go, ' +
        'and list the pending jobs (status pending) to see what `all` would add',
    );
  }
}

/** Runs a check, turning its RangeError into the API's InvalidJobError. */
function checked<T>(check: () => T): T {
  try {
    return check();
  } catch (error) {
    throw new InvalidJobError('(new)', (error as Error).message);
  }
}
