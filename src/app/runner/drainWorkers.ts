// Ending the workers at stop(): no new work is taken, calls in flight finish (or, past the drain
// timeout, are aborted so their attempts run again elsewhere), then the worker connection closes.
import type { NativeConnection, Worker } from '@temporalio/worker';
import type { Logger } from 'pino';
import type { BackendConfig } from '../../core/interfaces.js';
import { shutdownGraceMs, SHUTDOWN_FORCE_AFTER_GRACE_MS } from '../../orchestration/worker/createWorkers.js';

/** How long stop() waits for the run() of a worker that failed. */
const FAILED_WORKER_WAIT_MS = 5_000;

/** Closing the connections after the workers stopped. */
const CLOSE_MARGIN_MS = 10_000;

/** The longest stop() takes without a drain timeout, ms: grace time, cancellation, closing. */
export function stopTimeoutMs(backends: readonly BackendConfig[]): number {
  return Math.max(0, ...backends.map((backend) => shutdownGraceMs(backend))) + SHUTDOWN_FORCE_AFTER_GRACE_MS + CLOSE_MARGIN_MS;
}

export interface DrainOptions {
  workers: readonly Worker[];
  /** Each worker's run(), in the same order. */
  runs: readonly Promise<void>[];
  /** Aborted at the drain timeout: activities abort the calls they have in flight. */
  drain: AbortController;
  drainTimeout?: number;
  /** The worker connection, when the runner opened it. */
  ownedConnection?: NativeConnection;
  logger: Logger;
}

export async function drainWorkers(o: DrainOptions): Promise<void> {
  for (const worker of o.workers) if (worker.getState() === 'RUNNING') worker.shutdown();
  const drainTimer = o.drainTimeout === undefined ? undefined : setTimeout(() => o.drain.abort(), Math.max(0, o.drainTimeout));
  // A failed worker's run() may never settle (its native finalisation hangs): wait a little only.
  await Promise.all(o.runs.map((run, i) => (o.workers[i]!.getState() === 'FAILED' ? settledWithin(run, FAILED_WORKER_WAIT_MS) : run)));
  clearTimeout(drainTimer);
  // A failed worker whose finalisation hangs keeps its reference to the native connection;
  // the process exit releases it.
  await o.ownedConnection?.close().catch((error: unknown) => {
    if (!o.workers.some((worker) => worker.getState() === 'FAILED')) throw error;
    o.logger.warn('a failed worker still holds the Temporal connection; it is released when the process exits');
  });
}

function settledWithin(promise: Promise<unknown>, ms: number): Promise<unknown> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise((resolve) => (timer = setTimeout(resolve, ms)));
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}
