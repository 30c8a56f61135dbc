// A pending row that can never run (unreadable, unknown backend, refused start) is failed as invalid.
import type { JobErrorEntry } from '../../core/interfaces.js';
import { failJob } from '../../adapters/sql/failJob.js';
import type { BridgeContext } from './bridgeOptions.js';

export async function markInvalid(ctx: BridgeContext, jobId: string, reason: string): Promise<void> {
  const table = jobId.slice(0, jobId.indexOf(':'));
  if (!table) return;
  const error: JobErrorEntry = { code: 'invalid', reason, attempt: 0, at: new Date().toISOString() };
  const shape = await ctx.shapes.get(table);
  const written = await failJob(ctx.connection.db, shape, { jobId, error, from: ['pending'] });
  if (written) {
    const backend = ctx.registry.byTable(table)?.name;
    ctx.events.publish({ jobId, status: 'invalid', error, table, ...(backend ? { backend } : {}) });
    ctx.logger.warn({ jobId, reason }, 'job cannot run: marked failed');
  }
}
