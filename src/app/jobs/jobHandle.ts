// A handle on one job: read it, kill it, retry it, and wait for its end. `wait()` is pushed, not
// polled: a LIVE SELECT on the row, opened before the first read so no change falls between.
// A live query can die without a word (a dropped connection, a server restart), so the row is
// also read again every few seconds, and at once when the server says it killed the query.
import { Table, eq, type LiveSubscription, type Surreal } from 'surrealdb';
import type { JobRow, JobStatus, KillOptions, KillOutcome, RetryOutcome } from '../../core/interfaces.js';
import { JobFailedError, JobKilledError, JobNotFoundError, WaitTimeoutError } from '../../core/errors.js';
import { parseJobRow } from '../../adapters/db/jobRow.js';
import { toRecordId } from '../../adapters/db/recordId.js';

export interface JobHandleDeps {
  db: () => Surreal;
  get(jobId: string): Promise<JobRow | undefined>;
  kill(jobId: string, options?: KillOptions): Promise<KillOutcome>;
  retry(jobId: string): Promise<RetryOutcome>;
}

/** How often wait() reads the row again, in case its live query died. */
const WAIT_RECHECK_MS = 5_000;

export interface WaitOptions {
  /** Milliseconds to wait before rejecting with WaitTimeoutError. Default: no limit. */
  timeout?: number;
}

export class JobHandle {
  constructor(
    /** `table:key`, e.g. `job:abc123`. */
    readonly id: string,
    private readonly deps: JobHandleDeps,
  ) {}

  /** The row now; throws JobNotFoundError when it was deleted. */
  async get(): Promise<JobRow> {
    const row = await this.deps.get(this.id);
    if (!row) throw new JobNotFoundError(this.id);
    return row;
  }

  async status(): Promise<JobStatus> {
    return (await this.get()).status;
  }

  kill(options?: KillOptions): Promise<KillOutcome> {
    return this.deps.kill(this.id, options);
  }

  retry(): Promise<RetryOutcome> {
    return this.deps.retry(this.id);
  }

  /**
   * Resolves with the final row (with `result`) once the job succeeds; rejects with
   * JobFailedError (with its error history), JobKilledError or WaitTimeoutError. A job that is
   * retried after it failed counts as finished at that failure: wait on it again for the re-run.
   * Rejects with JobNotFoundError when the row is deleted meanwhile.
   */
  async wait(options: WaitOptions = {}): Promise<JobRow> {
    const table = this.id.slice(0, this.id.indexOf(':'));
    let settle: ((row: JobRow) => void) | undefined;
    let fail: ((error: Error) => void) | undefined;
    const ended = new Promise<JobRow>((resolve, reject) => {
      settle = resolve;
      fail = reject;
    });
    const live: LiveSubscription = await this.deps.db().live(new Table(table)).where(eq('id', toRecordId(this.id)));
    const recheck = () =>
      this.deps.get(this.id).then(
        (row) => (!row ? fail?.(new JobNotFoundError(this.id)) : isTerminal(row.status) ? settle?.(row) : undefined),
        () => undefined, // a read that fails (connection down) is tried again on the next tick
      );
    let timer: NodeJS.Timeout | undefined;
    const rechecks = setInterval(() => void recheck(), WAIT_RECHECK_MS);
    try {
      live.subscribe((message) => {
        if (message.action === 'DELETE') return fail?.(new JobNotFoundError(this.id));
        if (message.action === 'KILLED') return void recheck();
        const parsed = parseJobRow(message.value);
        if (parsed.ok && isTerminal(parsed.row.status)) settle?.(parsed.row);
      });
      const now = await this.get();
      if (isTerminal(now.status)) settle?.(now);
      const timedOut = new Promise<'timeout'>((resolve) => {
        if (options.timeout !== undefined) timer = setTimeout(() => resolve('timeout'), options.timeout);
      });
      const row = await Promise.race([ended, timedOut]);
      if (row === 'timeout') throw new WaitTimeoutError(this.id, options.timeout!, (await this.get()).status);
      return outcomeOf(row);
    } finally {
      clearTimeout(timer);
      clearInterval(rechecks);
      await live.kill().catch(() => undefined);
    }
  }
}

function isTerminal(status: JobStatus): boolean {
  return status === 'success' || status === 'failed';
}

function outcomeOf(row: JobRow): JobRow {
  if (row.status === 'success') return row;
  const last = row.errors.at(-1);
  if (last && (last.code === 'killed' || last.code === 'cancelled')) throw new JobKilledError(row.id, row);
  throw new JobFailedError(row.id, row.errors, row);
}
