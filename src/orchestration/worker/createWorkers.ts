// One Temporal worker per backend and served queue, on that pair's task queue, so each backend
// (and queue) can be scaled and limited on its own. A backend's schedule and retention workflows
// run on its default task queue too: a worker of their own cost 30 MB of RSS (its own workflow
// thread). Shutdown waits for in-flight HTTP calls: the grace time is at least the longest HTTP
// timeout, so a deploy never burns an attempt. Then the calls are cancelled; an activity that
// ignores its cancellation is abandoned after a few more seconds, so shutdown always ends.
import { Worker, type NativeConnection, type WorkflowBundleWithSourceMap } from '@temporalio/worker';
import type { DataConverter } from '@temporalio/common';
import type { BackendConfig } from '../../core/interfaces.js';
import type { ActivityDeps } from '../activities/index.js';
import { createActivities } from '../activities/index.js';
import { HEARTBEAT_EVERY_MS } from '../activities/heartbeats.js';
import { DEFAULT_QUEUE, taskQueueFor } from '../../core/taskQueues.js';
import { SlotWatch } from './slotWatch.js';
import { installQuietRuntime } from '../../adapters/temporal/quietRuntime.js';
import type { WorkerTracing } from '../../adapters/temporal/tracingInterceptors.js';

/** Extra time over the longest HTTP timeout before in-flight calls are cancelled at shutdown. */
const SHUTDOWN_SLACK_MS = 5_000;
/** After the grace time, how long cancelled activities get to return before the worker gives up on them. */
export const SHUTDOWN_FORCE_AFTER_GRACE_MS = 5_000;

export interface WorkerOptions {
  connection: NativeConnection;
  namespace: string;
  backends: BackendConfig[];
  /** Named queues this process serves (default: `default`); each gets its `concurrency` slots. */
  queues?: readonly string[];
  workflowBundle: WorkflowBundleWithSourceMap;
  /** The client's data converter (payload codec, failure converter); default the SDK's. */
  dataConverter?: DataConverter;
  activityDeps: ActivityDeps;
  identity: string;
  /** Longest allowed row timeout override, when any backend has timeoutOverridable. Default 300 s. */
  maxOverrideTimeoutSeconds?: number;
  /** With tracing on: the workflow span sink and the activity span interceptor. */
  tracing?: WorkerTracing;
}

/** How long a worker of this backend drains at shutdown before cancelling calls in flight, ms. */
export function shutdownGraceMs(backend: BackendConfig, maxOverrideTimeoutSeconds = 300): number {
  const longestTimeoutS = backend.timeoutOverridable ? Math.max(backend.timeoutSeconds, maxOverrideTimeoutSeconds) : backend.timeoutSeconds;
  return longestTimeoutS * 1000 + SHUTDOWN_SLACK_MS;
}

export interface Workers {
  workers: Worker[];
  /** Which workers have every slot held past its timeout. */
  slotWatch: SlotWatch;
}

export async function createWorkers(options: WorkerOptions): Promise<Workers> {
  installQuietRuntime();
  const activities = createActivities(options.activityDeps);
  const queues = options.queues?.length ? options.queues : [DEFAULT_QUEUE];
  const pairs = options.backends.flatMap((backend) => queues.map((queue) => ({ backend, queue })));
  const slotWatch = new SlotWatch(
    pairs.map(({ backend, queue }) => ({ taskQueue: taskQueueFor(backend, queue), backend: backend.name, slots: backend.concurrency })),
  );
  const workers = await Promise.all(
    pairs.map(({ backend, queue }) => {
      const graceMs = shutdownGraceMs(backend, options.maxOverrideTimeoutSeconds);
      return Worker.create({
        connection: options.connection,
        namespace: options.namespace,
        taskQueue: taskQueueFor(backend, queue),
        workflowBundle: options.workflowBundle,
        ...(options.dataConverter ? { dataConverter: options.dataConverter } : {}),
        activities,
        identity: queue === DEFAULT_QUEUE ? `${options.identity}/${backend.name}` : `${options.identity}/${backend.name}/${queue}`,
        maxConcurrentActivityTaskExecutions: backend.concurrency,
        maxCachedWorkflows: workflowCacheSize(backend.concurrency),
        activityTaskPollerBehavior: { type: 'simple-maximum', maximum: activityPollers(backend.concurrency) },
        shutdownGraceTime: graceMs,
        // An activity that ignores its cancellation (a call that never returns) must not keep the
        // process alive: run() then rejects with GracefulShutdownPeriodExpiredError.
        shutdownForceTime: graceMs + SHUTDOWN_FORCE_AFTER_GRACE_MS,
        ...(options.tracing ? { sinks: options.tracing.sinks } : {}),
        interceptors: {
          activity: [
            ...(options.tracing ? [options.tracing.activityInterceptor] : []),
            (context) => ({
              inbound: {
                async execute(input, next) {
                  const done = slotWatch.begin(context.info.taskQueue, context.info.startToCloseTimeoutMs);
                  try {
                    return await next(input);
                  } finally {
                    done();
                  }
                },
              },
            }),
          ],
        },
        // A workflow cached on a worker that died moves to another worker after this (SDK default 10 s).
        stickyQueueScheduleToStartTimeout: '3s',
        // A kill reaches a call in flight with the next heartbeat's reply. Unset, the SDK sends
        // heartbeats at most every 0.8 × the 5 s heartbeat timeout: a kill took up to 4 s.
        maxHeartbeatThrottleInterval: HEARTBEAT_EVERY_MS,
      });
    }),
  );
  return { workers, slotWatch };
}

/**
 * Each activity poller holds one of the backend's `concurrency` slots while it waits. With
 * every slot held by a poller (the SDK's default: up to 10 pollers), the server cannot hand
 * the next attempt to the worker eagerly, in its reply to the workflow task: each attempt
 * then waits for a poll round trip (measured: 91 instead of 41 ms per activity at 10 slots).
 * Half the slots poll, the other half stay free for eager dispatch.
 */
export function activityPollers(concurrency: number): number {
  return Math.max(1, Math.min(5, Math.floor(concurrency / 2)));
}

/**
 * Workflows this worker keeps in memory between their tasks. The SDK sizes its default by the
 * heap limit (2,310 workflows per worker on a 4 GB heap), and a backlog fills it: measured in
 * `npm run load`, a runner's RSS grew by about 0.25 MB per cached job workflow, from 360 MB to
 * 960 MB over 4 minutes of a 30,000-row backlog. A job workflow needs the cache only between
 * its attempt's start and its result; one evicted is replayed from its short history (about 13
 * events), and in a backlog the workflow whose attempt ends has been evicted anyway (attempts
 * run oldest first). Same backlog with 200: RSS 415 to 600 MB, the same throughput.
 */
export function workflowCacheSize(concurrency: number): number {
  return Math.min(1_000, Math.max(200, concurrency * 10));
}
