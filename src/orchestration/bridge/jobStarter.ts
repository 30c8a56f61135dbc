// Starts a pending row's workflow, once: a start already in flight or a run already confirmed
// is not sent again, a duplicate found by catch-up is checked for an orphan, and a row that
// cannot run is failed as invalid.
import { context as otelContext } from '@opentelemetry/api';
import type { JobRow } from '../../core/interfaces.js';
import { contextOfTraceparent } from '../../adapters/tracing/traceparent.js';
import { parseJobRow } from '../../adapters/db/jobRow.js';
import { getJob } from '../../adapters/sql/getJob.js';
import { latestJobRun } from '../../adapters/temporal/latestJobRun.js';
import { buildWorkflowInput } from '../../core/buildWorkflowInput.js';
import { startJobWorkflow } from '../../adapters/temporal/startJobWorkflow.js';
import { startRefusalReason } from '../../adapters/temporal/startRefusal.js';
import { confirmationKey } from './confirmedRunning.js';
import { enqueuedAgainSince } from './enqueuedAgain.js';
import { markInvalid } from './markInvalid.js';
import { repairOrphan } from './repairOrphan.js';
import type { BridgeContext, Origin } from './bridgeOptions.js';

export class JobStarter {
  readonly #ctx: BridgeContext;
  readonly #inFlightStarts = new Set<string>();

  constructor(ctx: BridgeContext) {
    this.#ctx = ctx;
  }

  async ensureStarted(row: JobRow, origin: Origin): Promise<void> {
    const ctx = this.#ctx;
    const shape = await ctx.shapes.get(row.table);
    const confirmation = confirmationKey(shape.has('run'), row.id, row.run, row.createdAt);
    if (shape.has('run') || origin === 'live-create') return this.#startRun(row, origin, confirmation);
    // No `run` field (Sp00ky's documented table): the row looks the same for its first run and
    // for every re-run, so find the newest run in Temporal and decide from how it ended.
    if (origin === 'catch-up' && ctx.confirmedRunning.has(confirmation)) return;
    const latest = await latestJobRun(ctx.client, row.id);
    if (!latest) return this.#startRun(row, origin, confirmation);
    if (latest.status === 'RUNNING') {
      ctx.confirmedRunning.confirm(confirmation);
      return;
    }
    // The run closed; read the row again, as it is now: the event or page may be older than that.
    const fresh = parseJobRow(await getJob(ctx.connection.db, row.id));
    if (!fresh.ok || fresh.row.status !== 'pending') return;
    if (enqueuedAgainSince(latest, fresh.row)) {
      // Its run wrote the row's end before closing, so pending now means it was re-enqueued since.
      return this.#startRun({ ...fresh.row, run: latest.run + 1 }, origin, confirmationKey(false, row.id, undefined, fresh.row.createdAt));
    }
    await repairOrphan(ctx, fresh.row);
  }

  async #startRun(row: JobRow, origin: Origin, confirmation: string): Promise<void> {
    const ctx = this.#ctx;
    const built = buildWorkflowInput(row, ctx.registry);
    if (!built.ok) {
      await markInvalid(ctx, row.id, built.reason);
      return;
    }
    if (this.#inFlightStarts.has(built.workflowId)) return;
    if (origin === 'catch-up' && ctx.confirmedRunning.has(confirmation)) return;
    this.#inFlightStarts.add(built.workflowId);
    try {
      // A deadline (see BridgeOptions.startDeadlineMs), so an outage is noticed in seconds.
      // Within the row's trace (stored at enqueue): a traced client puts it in the workflow's headers.
      const start = () => ctx.client.withDeadline(Date.now() + ctx.startDeadlineMs, () => startJobWorkflow(ctx.client, built));
      const outcome = await (row.traceparent ? otelContext.with(contextOfTraceparent(row.traceparent), start) : start()).catch(async (error: unknown) => {
        const refusal = startRefusalReason(error);
        if (!refusal) throw error;
        await markInvalid(ctx, row.id, refusal);
        return 'refused' as const;
      });
      if (outcome === 'started') {
        ctx.confirmedRunning.confirm(confirmation);
        ctx.events.publish({
          jobId: row.id,
          status: 'started',
          workflowId: built.workflowId,
          table: row.table,
          path: row.path,
          ...(ctx.registry.byTable(row.table) ? { backend: ctx.registry.byTable(row.table)!.name } : {}),
          createdAtMs: row.createdAt.getTime(),
          dueAtMs: row.createdAt.getTime() + row.delayMs,
        });
        ctx.logger.debug({ jobId: row.id, workflowId: built.workflowId }, 'started job workflow');
      } else if (outcome === 'duplicate' && origin === 'catch-up') {
        await repairOrphan(ctx, row);
      }
    } finally {
      this.#inFlightStarts.delete(built.workflowId);
    }
  }
}
