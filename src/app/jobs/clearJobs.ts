// `clear`: deletes terminal jobs (with `all`, pending ones too, cancelling their workflows);
// never processing ones. With an age limit or a dry run it is retention (see pruneJobs).
import { parseJobRow } from '../../adapters/db/jobRow.js';
import { deleteFinishedJobs } from '../../adapters/sql/deleteFinishedJobs.js';
import { deletePendingJobs } from '../../adapters/sql/deletePendingJobs.js';
import { ClearOptionsError, pruneJobs } from '../../adapters/sql/pruneJobs.js';
import { workflowIdFor } from '../../core/workflowId.js';
import { cancelJobWorkflow } from '../../adapters/temporal/cancelJobWorkflow.js';
import type { JobsClientDeps } from './jobsClientDeps.js';
import { currentWorkflowId } from './jobRuns.js';

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

/** Pending rows `clear({ all })` deletes per statement. */
const CLEAR_BATCH_SIZE = 1_000;

/** Returns the count per table. Throws ClearOptionsError for `all` with `olderThanMs` or `dryRun`. */
export async function clearJobs(deps: JobsClientDeps, tables: readonly string[], options: ClearOptions = {}): Promise<Record<string, number>> {
  checkClearOptions(options);
  if (options.olderThanMs !== undefined || options.dryRun) {
    const result = await pruneJobs(deps.db(), deps.shapes, tables, {
      ...(options.olderThanMs !== undefined ? { olderThanMs: options.olderThanMs } : {}),
      dryRun: options.dryRun ?? false,
      sampleLimit: 0,
    });
    return result.counts;
  }
  const counts: Record<string, number> = {};
  for (const table of tables) {
    counts[table] = (await deleteFinishedJobs(deps.db(), table, false)).length;
    if (options.all) counts[table] += await clearPending(deps, table, options.batchSize ?? CLEAR_BATCH_SIZE);
  }
  return counts;
}

/** Deletes every pending row of a table in batches, cancelling each one's workflow. */
async function clearPending(deps: JobsClientDeps, table: string, batchSize: number): Promise<number> {
  const shape = await deps.shapes.get(table);
  let total = 0;
  for (;;) {
    const deleted = await deletePendingJobs(deps.db(), table, batchSize);
    total += deleted.length;
    for (const raw of deleted) {
      const parsed = parseJobRow(raw);
      if (!parsed.ok) continue;
      const workflowId = await currentWorkflowId(deps.client, parsed.row, shape).catch(() => workflowIdFor(parsed.row.id, parsed.row.run));
      await cancelJobWorkflow(deps.client, workflowId).catch(() => undefined);
    }
    if (deleted.length < batchSize) return total;
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
