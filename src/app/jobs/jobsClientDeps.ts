// What the jobs API works with, and how it reads one job's row.
import type { Client } from '@temporalio/client';
import type { Surreal } from 'surrealdb';
import type { JobRow } from '../../core/interfaces.js';
import { InvalidJobError, JobNotFoundError } from '../../core/errors.js';
import type { BackendRegistry } from '../../config/backendRegistry.js';
import type { TableShapes } from '../../adapters/db/tableShape.js';
import type { JobEvents } from '../../core/jobEvents.js';
import { parseJobRow } from '../../adapters/db/jobRow.js';
import { getJob } from '../../adapters/sql/getJob.js';

export interface JobsClientDeps {
  db: () => Surreal;
  client: Client;
  registry: BackendRegistry;
  shapes: TableShapes;
  /** Where row changes made by this API (a kill) are announced, like the worker's. */
  events?: JobEvents;
}

/** The job's row, or undefined when there is none; a row that cannot be read throws InvalidJobError. */
export async function readJob(deps: JobsClientDeps, jobId: string): Promise<JobRow | undefined> {
  const raw = await getJob(deps.db(), jobId);
  if (!raw) return undefined;
  const parsed = parseJobRow(raw);
  if (!parsed.ok) throw new InvalidJobError(jobId, parsed.reason);
  return parsed.row;
}

/** The job's row; JobNotFoundError when there is none. */
export async function mustReadJob(deps: JobsClientDeps, jobId: string): Promise<JobRow> {
  const row = await readJob(deps, jobId);
  if (!row) throw new JobNotFoundError(jobId);
  return row;
}
