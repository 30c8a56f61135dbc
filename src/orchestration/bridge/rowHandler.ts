// One row, from the live query or a catch-up page: cancel its workflow if a kill was requested,
// start one if it is a fresh enqueue, fail it as invalid if it cannot be read.
import type { JobRow } from '../../core/interfaces.js';
import { parseJobRow } from '../../adapters/db/jobRow.js';
import { markInvalid } from './markInvalid.js';
import { relayKill } from './relayKill.js';
import type { JobStarter } from './jobStarter.js';
import type { TemporalOutage } from './temporalOutage.js';
import type { BridgeContext, Origin } from './bridgeOptions.js';

/** How long a schedule's own workflow has to start its job before reconciliation does. */
const SCHEDULED_START_GRACE_MS = 120_000;

export class RowHandler {
  readonly #ctx: BridgeContext;
  readonly #starter: JobStarter;
  readonly #stopSignal: AbortSignal;
  readonly #outage: TemporalOutage;

  constructor(ctx: BridgeContext, starter: JobStarter, stopSignal: AbortSignal, outage: TemporalOutage) {
    this.#ctx = ctx;
    this.#starter = starter;
    this.#stopSignal = stopSignal;
    this.#outage = outage;
  }

  async handle(raw: unknown, origin: Origin): Promise<void> {
    // While Temporal is unreachable the row waits in its table: the catch-up that follows
    // Temporal's return handles it (one log line for the outage, not one per row).
    if (this.#stopSignal.aborted || this.#outage.down) return;
    try {
      const parsed = parseJobRow(raw);
      if (!parsed.ok) {
        const status = (raw as { status?: unknown } | null)?.status;
        if (status === undefined || status === 'pending') await markInvalid(this.#ctx, parsed.jobId, parsed.reason);
        return;
      }
      const row = parsed.row;
      if (row.killRequestedAt && (row.status === 'processing' || row.status === 'failed')) {
        await relayKill(this.#ctx, row);
      } else if (row.status === 'pending' && shouldStart(row, origin)) {
        await this.#starter.ensureStarted(row, origin);
      }
    } catch (error) {
      if (this.#outage.noteFailure(error)) return;
      // The database is unavailable, or Temporal refused: the next reconciliation pass tries again.
      this.#ctx.logger.error({ err: error, origin }, 'could not handle a job row; it will be retried by reconciliation');
    }
  }
}

/**
 * Updates of a pending row happen between two attempts of a running workflow (retries > 0);
 * only a fresh enqueue (CREATE, or a retry's reset to retries 0 and no errors) needs a start.
 */
function shouldStart(row: JobRow, origin: Origin): boolean {
  // A schedule's job is started by the schedule's workflow (as its child, so the overlap
  // policy sees it run); the bridge steps in only if that has not happened for a while.
  if (row.schedule !== undefined && row.run <= 1) {
    return origin === 'catch-up' && Date.now() - row.createdAt.getTime() > SCHEDULED_START_GRACE_MS;
  }
  if (origin !== 'live-update') return true;
  return row.retries === 0 && row.errors.length === 0;
}
