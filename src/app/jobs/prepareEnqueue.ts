// One enqueue checked and turned into its row: backend, declared path, limits, payload schema and
// scheduling options, the same checks the bridge runs on the row (what passes here runs).
import { StringRecordId } from 'surrealdb';
import { InvalidJobError } from '../../core/errors.js';
import type { TableShape } from '../../adapters/db/tableShape.js';
import type { NewJobRow } from '../../adapters/sql/createJob.js';
import { jobRequestProblem } from '../../core/jobLimits.js';
import { checkFairnessKey, checkQueueName, priorityLevel, type EnqueueOptions } from '../../core/enqueueOptions.js';
import type { JobsClientDeps } from './jobsClientDeps.js';
import { currentTraceparent } from '../../adapters/tracing/traceparent.js';

export interface PreparedJob {
  table: string;
  shape: TableShape;
  row: NewJobRow;
  /** The enqueuer's idempotency key, if any. */
  key: string | undefined;
}

export async function prepareEnqueue(
  deps: Pick<JobsClientDeps, 'registry' | 'shapes'>,
  backendName: string,
  path: string,
  payload: unknown,
  options: EnqueueOptions,
): Promise<PreparedJob> {
  const backend = deps.registry.byBackendName(backendName);
  if (!backend) {
    const known = [...deps.registry.backends.keys()].join(', ');
    throw new InvalidJobError('(new)', `unknown backend ${backendName}: expected one of ${known}`);
  }
  try {
    deps.registry.assertDeclaredPath(backend.name, path);
  } catch (error) {
    throw new InvalidJobError('(new)', (error as Error).message);
  }
  // The bridge runs the same check on the row: what passes here runs, what fails here would end invalid.
  const problem = jobRequestProblem(
    { payload, maxRetries: options.maxRetries ?? 3, delayMs: options.delay, timeoutSeconds: options.timeout, idempotencyKey: options.idempotencyKey },
    backend,
  );
  if (problem) throw new InvalidJobError('(new)', problem.reason, problem.field);
  const check = deps.registry.validatePayload(backend.name, path, payload);
  if (!check.ok) throw new InvalidJobError('(new)', `payload does not match POST ${path}: ${check.reason}`);
  const shape = await deps.shapes.get(backend.table);
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
    // The enqueue span's (see inEnqueueSpan); dropped on a table without the field.
    traceparent: currentTraceparent(),
  };
  return { table: backend.table, shape, row, key };
}

/** Runs a check, turning its RangeError into the API's InvalidJobError. */
function checked<T>(check: () => T): T {
  try {
    return check();
  } catch (error) {
    throw new InvalidJobError('(new)', (error as Error).message);
  }
}
