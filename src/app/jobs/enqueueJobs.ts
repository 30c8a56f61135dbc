// Writing prepared jobs: one row, or many in one transaction; an idempotency key that is
// taken (before, or by a racing enqueue) returns the job that holds it instead of a second row.
import { InvalidJobError } from '../../core/errors.js';
import { createJob } from '../../adapters/sql/createJob.js';
import { createJobs } from '../../adapters/sql/createJobs.js';
import { findJobByIdempotencyKey } from '../../adapters/sql/findJobByIdempotencyKey.js';
import type { EnqueueOptions } from '../../core/enqueueOptions.js';
import type { JobsClientDeps } from './jobsClientDeps.js';
import { prepareEnqueue, type PreparedJob } from './prepareEnqueue.js';
import { inEnqueueSpan } from '../../adapters/tracing/enqueueSpan.js';

export interface EnqueueItem {
  backend: string;
  path: string;
  payload: unknown;
  options?: EnqueueOptions;
}

/** Validates like Sp00ky's db.run and writes the row; returns its id (or the id holding its idempotency key). */
export function enqueueJob(deps: JobsClientDeps, item: EnqueueItem): Promise<string> {
  return inEnqueueSpan(`enqueue ${deps.registry.pathLabel(item.backend, item.path)}`, { 'spooky.backend': item.backend }, () => enqueueOne(deps, item));
}

async function enqueueOne(deps: JobsClientDeps, item: EnqueueItem): Promise<string> {
  const job = await prepareEnqueue(deps, item.backend, item.path, item.payload, item.options ?? {});
  if (job.key !== undefined) {
    const existing = await findJobByIdempotencyKey(deps.db(), job.table, job.key);
    if (existing) return existing;
  }
  try {
    return await createJob(deps.db(), job.shape, job.table, job.row);
  } catch (error) {
    // Another enqueue of the same key won the race: the unique index refused this one.
    const winner = job.key === undefined ? undefined : await findJobByIdempotencyKey(deps.db(), job.table, job.key);
    if (winner) return winner;
    throw error;
  }
}

/**
 * Many enqueues in one transaction: all rows are written, or none. Every item is validated
 * first; an invalid one throws InvalidJobError naming its index, and nothing is written.
 * Items whose idempotency key exists (or repeats an earlier item's) get that job's id.
 */
export function enqueueJobs(deps: JobsClientDeps, items: readonly EnqueueItem[]): Promise<string[]> {
  return inEnqueueSpan(`enqueue ${items.length} jobs`, { 'spooky.jobs': items.length }, () => enqueueBatch(deps, items));
}

async function enqueueBatch(deps: JobsClientDeps, items: readonly EnqueueItem[]): Promise<string[]> {
  const jobs = await Promise.all(
    items.map(async (item, index) => {
      try {
        return await prepareEnqueue(deps, item.backend, item.path, item.payload, item.options ?? {});
      } catch (error) {
        if (error instanceof InvalidJobError) throw new InvalidJobError(`(new, item ${index})`, error.reason, error.field);
        throw error;
      }
    }),
  );
  for (let tries = 1; ; tries++) {
    const ids: (string | undefined)[] = await Promise.all(
      jobs.map((job) => (job.key === undefined ? undefined : findJobByIdempotencyKey(deps.db(), job.table, job.key))),
    );
    const { toCreate, firstOfKey } = rowsToCreate(jobs, ids);
    const tables = [...new Set(toCreate.map((i) => jobs[i]!.table))];
    try {
      const created = await createJobs(
        deps.db(),
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
      if (ids[i] === undefined && job.key !== undefined) ids[i] = ids[firstOfKey.get(slotOf(job)!)!];
    });
    return ids.map((id) => id!);
  }
}

/** The items that need a row: no job holds their key yet, and no earlier item has the same key. */
function rowsToCreate(jobs: readonly PreparedJob[], existing: readonly (string | undefined)[]) {
  const firstOfKey = new Map<string, number>();
  const toCreate: number[] = [];
  jobs.forEach((job, i) => {
    if (existing[i] !== undefined) return;
    const slot = slotOf(job);
    if (slot !== undefined && firstOfKey.has(slot)) return;
    if (slot !== undefined) firstOfKey.set(slot, i);
    toCreate.push(i);
  });
  return { toCreate, firstOfKey };
}

function slotOf(job: PreparedJob): string | undefined {
  return job.key === undefined ? undefined : `${job.table}\u0000${job.key}`;
}
