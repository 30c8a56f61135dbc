// The catch-up pass, over every job table: start a workflow for each pending row not known to
// run, relay the kills requested, and check the workflows of processing rows gone stale.
// Pages keep memory bounded; one pass runs at a time (single-flight).
import type { LimitFunction } from 'p-limit';
import { asDate, parseJobRow } from '../../adapters/db/jobRow.js';
import { selectPendingJobs, type PendingCursor } from '../../adapters/sql/selectPendingJobs.js';
import { selectKillRequests } from '../../adapters/sql/selectKillRequests.js';
import { selectJobsById } from '../../adapters/sql/selectJobsById.js';
import { selectStaleProcessingJobs } from '../../adapters/sql/selectStaleProcessingJobs.js';
import { confirmationKey } from './confirmedRunning.js';
import { repairOrphan } from './repairOrphan.js';
import type { RowHandler } from './rowHandler.js';
import type { BridgeContext, ResolvedBridgeOptions } from './bridgeOptions.js';

export interface CatchUpOptions extends Pick<ResolvedBridgeOptions, 'pageSize' | 'staleProcessingMs' | 'recheckRunningMs'> {
  /** Bounds the rows handled at once, shared with the live query. */
  limit: LimitFunction;
  rows: RowHandler;
  stopSignal: AbortSignal;
}

export class CatchUp {
  readonly #ctx: BridgeContext;
  readonly #o: CatchUpOptions;
  #running: Promise<void> | undefined;

  constructor(ctx: BridgeContext, options: CatchUpOptions) {
    this.#ctx = ctx;
    this.#o = options;
  }

  /** Starts a pass, or joins the one running. */
  run(): Promise<void> {
    this.#running ??= this.#allTables().finally(() => (this.#running = undefined));
    return this.#running;
  }

  /** Resolves once no pass runs (whether it failed or not). */
  async idle(): Promise<void> {
    await this.#running?.catch(() => undefined);
  }

  async #allTables(): Promise<void> {
    const { connection, shapes, registry, confirmedRunning } = this.#ctx;
    const { pageSize, limit, rows } = this.#o;
    confirmedRunning.forgetOlderThan(this.#o.recheckRunningMs);
    for (const table of registry.tables) {
      const shape = await shapes.get(table);
      let cursor: PendingCursor | undefined;
      for (;;) {
        const page = await selectPendingJobs(connection.db, shape, cursor, pageSize);
        const unknown = page.filter(
          (key) => !confirmedRunning.has(confirmationKey(shape.has('run'), String(key.id), key.run, asDate(key.created_at))),
        );
        const found = await selectJobsById(connection.db, unknown.map((key) => key.id));
        await Promise.all(found.map((raw) => limit(() => rows.handle(raw, 'catch-up'))));
        const last = page.at(-1);
        if (!last || page.length < pageSize || this.#o.stopSignal.aborted) break;
        cursor = { createdAt: last.created_at, id: last.id };
      }
      if (shape.has('kill_requested_at')) {
        const killed = await selectKillRequests(connection.db, table);
        await Promise.all(killed.map((raw) => limit(() => rows.handle(raw, 'catch-up'))));
      }
      if (shape.has('updated_at')) {
        const stale = await selectStaleProcessingJobs(connection.db, table, this.#o.staleProcessingMs, pageSize);
        await Promise.all(
          stale.map((raw) => {
            const parsed = parseJobRow(raw);
            return parsed.ok ? limit(() => repairOrphan(this.#ctx, parsed.row)) : undefined;
          }),
        );
      }
    }
  }
}
