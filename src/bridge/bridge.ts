// Rows → workflow starts. On start: a LIVE SELECT per job table, then a catch-up over the
// pending rows (live first, so nothing falls between the two). A periodic reconciliation
// repeats the catch-up; a health check reopens a dropped connection with backoff and
// catches up again. Every start is idempotent, so overlap between these paths is harmless.
import { Table, raw, type LiveSubscription } from 'surrealdb';
import type { Client } from '@temporalio/client';
import pLimit from 'p-limit';
import type { Logger } from 'pino';
import type { JobErrorEntry, JobRow } from '../interfaces.js';
import type { DbConnection } from '../db/dbConnection.js';
import type { TableShapes } from '../db/tableShape.js';
import type { BackendRegistry } from '../runner/backendRegistry.js';
import type { JobEvents } from '../runner/jobEvents.js';
import { asDate, parseJobRow } from '../db/jobRow.js';
import { selectPendingJobs, type PendingCursor } from '../sql/selectPendingJobs.js';
import { selectKillRequests } from '../sql/selectKillRequests.js';
import { selectJobsById } from '../sql/selectJobsById.js';
import { failJob } from '../sql/failJob.js';
import { workflowIdFor } from '../workflows/workflowId.js';
import { buildWorkflowInput } from './buildWorkflowInput.js';
import { startJobWorkflow } from './startJobWorkflow.js';
import { startRefusalReason } from './startRefusal.js';
import { cancelJobWorkflow } from './cancelJobWorkflow.js';
import { workflowState } from './workflowState.js';
import { selectStaleProcessingJobs } from '../sql/selectStaleProcessingJobs.js';
import { getJob } from '../sql/getJob.js';
import { closedAfterWritingRow, latestJobRun } from '../temporal/latestJobRun.js';

export interface BridgeOptions {
  connection: DbConnection;
  client: Client;
  registry: BackendRegistry;
  shapes: TableShapes;
  logger: Logger;
  events: JobEvents;
  /** Rows read per catch-up page (memory stays bounded by this). Default 100. */
  pageSize?: number;
  /** Period of the reconciliation pass. Default 30 s. */
  reconcileIntervalMs?: number;
  /** Period of the connection health check. Default 2 s. */
  healthCheckIntervalMs?: number;
  /** First wait before reopening a dropped connection; doubles up to 10 s. Default 200 ms. */
  reconnectBaseDelayMs?: number;
  /** Workflow starts in flight at once. Default 16. */
  startConcurrency?: number;
  /** A processing row unchanged this long gets its workflow checked by reconciliation. Default 60 s. */
  staleProcessingMs?: number;
  /**
   * A pending row whose workflow this bridge started, or found running, is not checked again by
   * reconciliation for this long. Default 10 min. Without it every pass would send one start
   * per waiting row (10,000 jobs delayed by an hour: 10,000 refused starts every 30 s).
   */
  recheckRunningMs?: number;
}

type Origin = 'live-create' | 'live-update' | 'catch-up';

/** How long a schedule's own workflow has to start its job before reconciliation does. */
const SCHEDULED_START_GRACE_MS = 120_000;

const LIVE_FILTER = "(status = 'pending' AND retries = 0) OR kill_requested_at != NONE";


export class JobBridge {
  readonly #o: Required<Omit<BridgeOptions, 'connection' | 'client' | 'registry' | 'shapes' | 'logger' | 'events'>> &
    BridgeOptions;
  readonly #limit;
  readonly #subscriptions: LiveSubscription[] = [];
  readonly #inFlightStarts = new Set<string>();
  /**
   * Rows known to have a running workflow, with when that was last confirmed: keyed by workflow
   * id, or on a table without `run` by job id and created_at (which that table's definition
   * recomputes on every write, so a re-enqueued row is looked at again).
   */
  readonly #confirmedRunning = new Map<string, number>();
  readonly #timers: NodeJS.Timeout[] = [];
  #recovering: Promise<void> | undefined;
  #catchingUp: Promise<void> | undefined;
  #stopped = false;
  /** The connection's generation the live queries were opened on (it reopens itself after a hung call). */
  #subscribedGeneration = 0;
  #unlistenConnected: (() => void) | undefined;

  constructor(options: BridgeOptions) {
    this.#o = {
      pageSize: 100,
      reconcileIntervalMs: 30_000,
      healthCheckIntervalMs: 2_000,
      reconnectBaseDelayMs: 200,
      startConcurrency: 16,
      staleProcessingMs: 60_000,
      recheckRunningMs: 600_000,
      ...options,
    };
    this.#limit = pLimit(this.#o.startConcurrency);
  }

  async start(): Promise<void> {
    await this.#subscribeAll();
    await this.catchUp();
    this.#listenForSdkReconnects();
    this.#timers.push(setInterval(() => void this.#reconcile(), this.#o.reconcileIntervalMs));
    this.#timers.push(setInterval(() => void this.#checkHealth(), this.#o.healthCheckIntervalMs));
  }

  async stop(): Promise<void> {
    this.#stopped = true;
    this.#timers.forEach(clearInterval);
    this.#unlistenConnected?.();
    await Promise.allSettled(this.#subscriptions.map((s) => s.kill()));
    this.#subscriptions.length = 0;
    await this.#recovering?.catch(() => undefined);
    await this.#catchingUp?.catch(() => undefined);
    while (this.#limit.activeCount + this.#limit.pendingCount > 0) await delay(20);
  }

  /** Starts a workflow for every pending row and cancels runs whose kill was requested. Single-flight. */
  catchUp(): Promise<void> {
    this.#catchingUp ??= this.#catchUpAllTables().finally(() => (this.#catchingUp = undefined));
    return this.#catchingUp;
  }

  async #catchUpAllTables(): Promise<void> {
    this.#forgetOldConfirmations();
    for (const table of this.#o.registry.tables) {
      const shape = await this.#o.shapes.get(table);
      let cursor: PendingCursor | undefined;
      for (;;) {
        const page = await selectPendingJobs(this.#o.connection.db, shape, cursor, this.#o.pageSize);
        const unknown = page.filter(
          (key) => !this.#confirmedRunning.has(confirmationKey(shape.has('run'), String(key.id), key.run, asDate(key.created_at))),
        );
        const rows = await selectJobsById(this.#o.connection.db, unknown.map((key) => key.id));
        await Promise.all(rows.map((raw) => this.#limit(() => this.#handleRow(raw, 'catch-up'))));
        const last = page.at(-1);
        if (!last || page.length < this.#o.pageSize || this.#stopped) break;
        cursor = { createdAt: last.created_at, id: last.id };
      }
      if (shape.has('kill_requested_at')) {
        const killed = await selectKillRequests(this.#o.connection.db, table);
        await Promise.all(killed.map((raw) => this.#limit(() => this.#handleRow(raw, 'catch-up'))));
      }
      if (shape.has('updated_at')) {
        const stale = await selectStaleProcessingJobs(this.#o.connection.db, table, this.#o.staleProcessingMs, this.#o.pageSize);
        await Promise.all(
          stale.map((raw) => {
            const parsed = parseJobRow(raw);
            return parsed.ok ? this.#limit(() => this.#repairOrphan(parsed.row)) : undefined;
          }),
        );
      }
    }
  }

  /**
   * A row that is still pending or processing while its workflow has closed (terminated by
   * hand in the Temporal UI, say) would wait forever: REJECT_DUPLICATE blocks a second run.
   * End the row with a reason; `retry` runs the job again. Conditional writes make the race
   * with a workflow that just finished harmless: its own final write already happened.
   */
  async #repairOrphan(row: JobRow): Promise<void> {
    if (row.status !== 'pending' && row.status !== 'processing') return;
    const shape = await this.#o.shapes.get(row.table);
    if (!shape.has('run')) {
      // Which run is current only Temporal knows; a closed one is an orphan only if it did not end the row.
      const latest = await latestJobRun(this.#o.client, row.id);
      if (!latest || latest.status === 'RUNNING') return;
      // A pending row after a run that ended it, or written after the run closed: re-enqueued, not orphaned.
      if (row.status === 'pending' && (closedAfterWritingRow(latest.status) || isNewerThan(row.updatedAt, latest.closedAt))) return;
      row = { ...row, run: latest.run };
    }
    const workflowId = workflowIdFor(row.id, row.run);
    const state = await workflowState(this.#o.client, workflowId);
    if (state === 'running') this.#confirmedRunning.set(workflowId, Date.now());
    if (state === 'running' || state === 'missing') return;
    const error: JobErrorEntry = {
      code: row.status === 'pending' ? 'killed' : 'cancelled',
      reason: `its workflow ${workflowId} ended (${state.closed}) without finishing the job; retry the job to run it again`,
      attempt: row.retries + 1,
      at: new Date().toISOString(),
    };
    // Keyed by run and attempt: a row that moved on since it was read is left alone.
    const key = { jobId: row.id, error, from: [row.status], run: row.run, attempt: row.retries + 1 };
    if (await failJob(this.#o.connection.db, shape, key)) {
      this.#o.events.publish({ jobId: row.id, status: 'failed', error });
      this.#o.logger.warn({ jobId: row.id, workflowId, workflowStatus: state.closed }, 'job workflow had closed; marked the job failed');
    }
  }

  async #subscribeAll(): Promise<void> {
    await Promise.allSettled(this.#subscriptions.splice(0).map((s) => s.kill()));
    this.#subscribedGeneration = this.#o.connection.generation;
    for (const table of this.#o.registry.tables) {
      // Only what needs the bridge: new rows, re-enqueues (retries back to 0) and kill requests.
      // The workflow's own writes (one per attempt) stay off the wire.
      const live = await this.#o.connection.db.live(new Table(table)).where(raw(LIVE_FILTER));
      live.subscribe((message) => {
        if (message.action === 'KILLED') {
          this.#o.logger.warn({ table }, 'live query was killed by the server; resubscribing');
          void this.#recover();
          return;
        }
        if (message.action === 'DELETE') return;
        const origin: Origin = message.action === 'CREATE' ? 'live-create' : 'live-update';
        void this.#limit(() => this.#handleRow(message.value, origin));
      });
      this.#subscriptions.push(live);
    }
  }

  async #handleRow(raw: unknown, origin: Origin): Promise<void> {
    if (this.#stopped) return;
    try {
      const parsed = parseJobRow(raw);
      if (!parsed.ok) {
        const status = (raw as { status?: unknown } | null)?.status;
        if (status === undefined || status === 'pending') await this.#markInvalid(parsed.jobId, parsed.reason);
        return;
      }
      const row = parsed.row;
      if (row.killRequestedAt && (row.status === 'processing' || row.status === 'failed')) {
        await this.#cancel(row);
      } else if (row.status === 'pending' && this.#shouldStart(row, origin)) {
        await this.#ensureStarted(row, origin);
      }
    } catch (error) {
      // Temporal or the database is unavailable: the next reconciliation pass tries again.
      this.#o.logger.error({ err: error, origin }, 'could not handle a job row; it will be retried by reconciliation');
    }
  }

  /**
   * Updates of a pending row happen between two attempts of a running workflow (retries > 0);
   * only a fresh enqueue (CREATE, or a retry's reset to retries 0 and no errors) needs a start.
   */
  #shouldStart(row: JobRow, origin: Origin): boolean {
    // A schedule's job is started by the schedule's workflow (as its child, so the overlap
    // policy sees it run); the bridge steps in only if that has not happened for a while.
    if (row.schedule !== undefined && row.run <= 1) {
      return origin === 'catch-up' && Date.now() - row.createdAt.getTime() > SCHEDULED_START_GRACE_MS;
    }
    if (origin !== 'live-update') return true;
    return row.retries === 0 && row.errors.length === 0;
  }

  async #ensureStarted(row: JobRow, origin: Origin): Promise<void> {
    const shape = await this.#o.shapes.get(row.table);
    const confirmation = confirmationKey(shape.has('run'), row.id, row.run, row.createdAt);
    if (shape.has('run') || origin === 'live-create') return this.#startRun(row, origin, confirmation);
    // No `run` field (Sp00ky's documented table): the row looks the same for its first run and
    // for every re-run, so find the newest run in Temporal and decide from how it ended.
    if (origin === 'catch-up' && this.#confirmedRunning.has(confirmation)) return;
    const latest = await latestJobRun(this.#o.client, row.id);
    if (!latest) return this.#startRun(row, origin, confirmation);
    if (latest.status === 'RUNNING') {
      this.#confirmedRunning.set(confirmation, Date.now());
      return;
    }
    // The run closed; read the row again, as it is now: the event or page may be older than that.
    const fresh = parseJobRow(await getJob(this.#o.connection.db, row.id));
    if (!fresh.ok || fresh.row.status !== 'pending') return;
    if (closedAfterWritingRow(latest.status) || isNewerThan(fresh.row.updatedAt, latest.closedAt)) {
      // Its run wrote the row's end before closing, so pending now means it was re-enqueued since.
      return this.#startRun({ ...fresh.row, run: latest.run + 1 }, origin, confirmationKey(false, row.id, undefined, fresh.row.createdAt));
    }
    await this.#repairOrphan(fresh.row);
  }

  async #startRun(row: JobRow, origin: Origin, confirmation: string): Promise<void> {
    const built = buildWorkflowInput(row, this.#o.registry);
    if (!built.ok) {
      await this.#markInvalid(row.id, built.reason);
      return;
    }
    if (this.#inFlightStarts.has(built.workflowId)) return;
    if (origin === 'catch-up' && this.#confirmedRunning.has(confirmation)) return;
    this.#inFlightStarts.add(built.workflowId);
    try {
      const outcome = await startJobWorkflow(this.#o.client, built).catch(async (error: unknown) => {
        const refusal = startRefusalReason(error);
        if (!refusal) throw error;
        await this.#markInvalid(row.id, refusal);
        return 'refused' as const;
      });
      if (outcome === 'started') {
        this.#confirmedRunning.set(confirmation, Date.now());
        this.#o.events.publish({ jobId: row.id, status: 'started', workflowId: built.workflowId });
        this.#o.logger.debug({ jobId: row.id, workflowId: built.workflowId }, 'started job workflow');
      } else if (outcome === 'duplicate' && origin === 'catch-up') {
        await this.#repairOrphan(row);
      }
    } finally {
      this.#inFlightStarts.delete(built.workflowId);
    }
  }

  #forgetOldConfirmations(): void {
    const before = Date.now() - this.#o.recheckRunningMs;
    for (const [workflowId, at] of this.#confirmedRunning) if (at < before) this.#confirmedRunning.delete(workflowId);
  }

  async #cancel(row: JobRow): Promise<void> {
    const workflowId = workflowIdFor(row.id, row.run);
    const outcome = await cancelJobWorkflow(this.#o.client, workflowId);
    if (outcome === 'cancel-requested') this.#o.logger.info({ jobId: row.id, workflowId }, 'kill requested: cancelling');
  }

  async #markInvalid(jobId: string, reason: string): Promise<void> {
    const table = jobId.slice(0, jobId.indexOf(':'));
    if (!table) return;
    const error: JobErrorEntry = { code: 'invalid', reason, attempt: 0, at: new Date().toISOString() };
    const shape = await this.#o.shapes.get(table);
    const written = await failJob(this.#o.connection.db, shape, { jobId, error, from: ['pending'] });
    if (written) {
      this.#o.events.publish({ jobId, status: 'invalid', error });
      this.#o.logger.warn({ jobId, reason }, 'job cannot run: marked failed');
    }
  }

  async #reconcile(): Promise<void> {
    if (this.#stopped || this.#recovering) return;
    await this.catchUp().catch(async (error: unknown) => {
      // Only a dead connection calls for a reconnect; anything else waits for the next pass.
      if (await this.#o.connection.isHealthy()) {
        this.#o.logger.error({ err: error }, 'reconciliation pass failed; trying again on the next pass');
      } else {
        void this.#recover();
      }
    });
  }

  async #checkHealth(): Promise<void> {
    if (this.#stopped || this.#recovering) return;
    const reopened = this.#o.connection.generation !== this.#subscribedGeneration;
    if (reopened || !(await this.#o.connection.isHealthy())) void this.#recover();
  }

  /** Reopen (with backoff) until healthy, resubscribe, catch up. Single-flight. */
  #recover(): Promise<void> {
    this.#recovering ??= (async () => {
      let wait = this.#o.reconnectBaseDelayMs;
      this.#o.logger.warn('SurrealDB connection lost; reconnecting');
      while (!this.#stopped) {
        await delay(wait);
        try {
          if (!(await this.#o.connection.isHealthy(1000))) await this.#o.connection.reopen();
          if (!(await this.#o.connection.isHealthy())) throw new Error('database does not answer');
          this.#o.shapes.forget();
          await this.#subscribeAll();
          this.#listenForSdkReconnects();
          this.#o.logger.info('SurrealDB connection restored; catching up on pending jobs');
          await this.catchUp().catch((error: unknown) =>
            this.#o.logger.error({ err: error }, 'catch-up after reconnect failed; reconciliation will try again'),
          );
          return;
        } catch (error) {
          this.#o.logger.warn({ err: error, retryInMs: wait }, 'reconnect failed');
          wait = Math.min(wait * 2, 10_000);
        }
      }
    })().finally(() => (this.#recovering = undefined));
    return this.#recovering;
  }

  /** Remote engines reconnect inside the SDK (which restarts live queries); catch up after each. */
  #listenForSdkReconnects(): void {
    this.#unlistenConnected?.();
    this.#unlistenConnected = this.#o.connection.db.subscribe('connected', () => {
      if (!this.#stopped) void this.#reconcile();
    });
  }
}

/** See #confirmedRunning. */
function confirmationKey(hasRunField: boolean, jobId: string, run: unknown, createdAt: Date | undefined): string {
  return hasRunField ? workflowIdFor(jobId, typeof run === 'number' ? run : 1) : `${jobId}@${createdAt?.getTime() ?? ''}`;
}

function isNewerThan(updatedAt: Date | undefined, closedAt: Date | undefined): boolean {
  return updatedAt !== undefined && closedAt !== undefined && updatedAt.getTime() > closedAt.getTime();
}

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
