// All I/O of a job: the HTTP call and the row writes. Built once per worker from its config;
// the workflows see only the type `JobActivities`.
import { ApplicationFailure } from '@temporalio/activity';
import type { Surreal } from 'surrealdb';
import type { Logger } from 'pino';
import type { Tracer } from '@opentelemetry/api';
import type { BackendConfig, JobErrorEntry } from '../../core/interfaces.js';
import type { TableShapes } from '../../adapters/db/tableShape.js';
import type { JobEvents } from '../../core/jobEvents.js';
import { failJob } from '../../adapters/sql/failJob.js';
import { missingTable } from '../../adapters/db/missingTable.js';
import { callConfiguredBackend, runAttempt } from './runAttempt.js';
import type { AttemptInput, AttemptOutcome, CallBackendInput, CallBackendOutcome, JobActivities } from '../../core/activityContract.js';
import { createV1Activities } from './v1Activities.js';
import { createControlActivities } from './controlActivities.js';
import { withHeartbeats } from './heartbeats.js';
import type { BackendRegistry } from '../../config/backendRegistry.js';
import { secretScrubber, type SecretScrubber } from '../../core/redactSecrets.js';
import { scrubActivities, scrubOutcome } from './scrubSecrets.js';

export interface ActivityDeps {
  db: () => Surreal;
  shapes: TableShapes;
  /** Written to `assignee` on claim: which worker runs the attempt (information only, never a key). */
  identity: string;
  backends: ReadonlyMap<string, BackendConfig>;
  /** Throws when a path is not declared by the backend's OpenAPI spec. */
  assertDeclaredPath: (backend: string, path: string) => void;
  events: JobEvents;
  /** Aborted by `runner.stop({ drainTimeout })` once the timeout passes: calls in flight stop. */
  drain?: AbortSignal;
  /** For the control activities: a schedule's row → its job workflow's input; the tables to prune. */
  registry: BackendRegistry;
  /** Where an activity says why a step cannot go on (the step is retried meanwhile). */
  logger?: Logger;
  /** Removes configured secrets (tokens, the database password) from what the backend answered. */
  scrub?: SecretScrubber;
  /** With tracing on: each HTTP call is a client span, and the backend gets its traceparent. */
  tracer?: Tracer;
}

export function createActivities(deps: ActivityDeps): JobActivities {
  const shapeOf = async (table: string) => {
    try {
      return await deps.shapes.get(table);
    } catch (cause) {
      throw ApplicationFailure.retryable(`cannot read the definition of table ${table}: ${(cause as Error).message}`);
    }
  };
  const scrub = deps.scrub ?? secretScrubber([]);
  const tracing = deps.tracer ? { tracer: deps.tracer, route: (backend: string, path: string) => deps.registry.pathLabel(backend, path) } : undefined;
  const callUnscrubbed = callConfiguredBackend(deps.assertDeclaredPath, deps.drain, tracing);
  // Before anything is recorded: the row, the events and the history see the scrubbed answer.
  const call: typeof callUnscrubbed = async (backend, input) => scrubOutcome(await callUnscrubbed(backend, input), scrub);
  const attemptDeps = { db: deps.db, shapeOf, identity: deps.identity, events: deps.events, call, backends: deps.backends, ...(deps.logger ? { logger: deps.logger } : {}) };

  return scrubActivities({
    /** One whole attempt: claim, POST, record the outcome. */
    runAttempt(input: AttemptInput): Promise<AttemptOutcome> {
      return failIfTableMissing(() => runAttempt(attemptDeps, input));
    },

    /** Mirrors a kill (workflow cancelled) to the row of this run, whatever attempt it was at. */
    async markKilled(args: { jobId: string; table: string; run: number; error: JobErrorEntry }): Promise<boolean> {
      const written = await failIfTableMissing(async () =>
        failJob(deps.db(), await shapeOf(args.table), {
          jobId: args.jobId,
          error: args.error,
          from: ['pending', 'processing'],
          run: args.run,
        }),
      );
      if (written) deps.events.publish({ jobId: args.jobId, status: 'failed', attempt: args.error.attempt, error: args.error });
      return written;
    },

    // Schedules and retention (the control workflows).
    ...createControlActivities({ db: deps.db, shapeOf, registry: deps.registry, events: deps.events }),

    // v1 (`jobWorkflow`): runs started before the upgrade still call these.
    ...createV1Activities({ db: deps.db, shapeOf, identity: deps.identity, events: deps.events }),
    callBackend(input: CallBackendInput): Promise<CallBackendOutcome> {
      return withHeartbeats(() => call(deps.backends.get(input.backend), input));
    },
  }, scrub);
}

/**
 * A job table removed while its jobs run: no retry of the step can find the row again, so it
 * fails for good (Temporal would otherwise retry it every 5 s forever) and the workflow ends failed.
 */
async function failIfTableMissing<T>(step: () => Promise<T>): Promise<T> {
  try {
    return await step();
  } catch (error) {
    const table = missingTable(error);
    if (table === undefined) throw error;
    throw ApplicationFailure.nonRetryable(
      `job table ${table} does not exist (removed while the job ran?): the job's row is gone, so the job cannot go on; ` +
        'define the table again (spooky-temporal schema deploy) and enqueue the job again',
      'JobTableMissing',
    );
  }
}

export type {
  AttemptInput,
  AttemptOutcome,
  CallBackendInput,
  CallBackendOutcome,
  JobActivities,
  ScheduledJobSpec,
  ScheduledJobPrepared,
} from '../../core/activityContract.js';
