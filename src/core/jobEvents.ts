// State changes observed by this process, for logs and for listeners:
// - `job`: every change, as it is written (`runner.events.on('job', ...)`);
// - typed `job:started`, `job:retrying`, `job:completed`, `job:failed`, `job:killed`, each with
//   the error and the row as read right after the change (read only when someone listens).
// A listener that throws (or rejects) is reported and skipped: it never breaks the write,
// the activity or the bridge that announced the change.
import { EventEmitter } from 'node:events';
import type { JobErrorEntry, JobRow, JobStatus } from './interfaces.js';

export interface JobEvent {
  jobId: string;
  status: JobStatus | 'started' | 'invalid';
  attempt?: number;
  error?: JobErrorEntry;
  nextAttemptInMs?: number;
  workflowId?: string;
  /** Where the job goes, when the publisher knows it (metrics labels; saves a row read). */
  backend?: string;
  table?: string;
  path?: string;
  /**
   * When the row was written and when it was due (epoch ms): on `started` (the bridge, at pickup)
   * and on `processing` (the worker, read by the claim), so each process has what its metrics need.
   */
  createdAtMs?: number;
  dueAtMs?: number;
}

/** A typed lifecycle event: the change, plus the row as read after it (undefined if it was deleted). */
export interface JobLifecycleEvent extends JobEvent {
  row: JobRow | undefined;
}

export type JobLifecycleEventName = 'job:started' | 'job:retrying' | 'job:completed' | 'job:failed' | 'job:killed';

export type JobEventMap = { job: [JobEvent] } & { [K in JobLifecycleEventName]: [JobLifecycleEvent] };

export class JobEvents extends EventEmitter<JobEventMap> {
  #readRow: ((jobId: string) => Promise<JobRow | undefined>) | undefined;
  #onListenerError: (error: unknown, event: string) => void = () => undefined;

  /** Wired by the runner: how to read a row for typed events, where listener errors go. */
  configure(options: { readRow: (jobId: string) => Promise<JobRow | undefined>; onListenerError: (error: unknown, event: string) => void }): void {
    this.#readRow = options.readRow;
    this.#onListenerError = options.onListenerError;
  }

  publish(event: JobEvent): void {
    this.#emitSafely('job', event);
    const name = lifecycleNameOf(event);
    if (!name || this.listenerCount(name) === 0) return;
    void (async () => {
      const row = await this.#readRow?.(event.jobId).catch(() => undefined);
      this.#emitSafely(name, { ...event, row });
    })();
  }

  #emitSafely(name: keyof JobEventMap, payload: JobEvent | JobLifecycleEvent): void {
    for (const listener of this.rawListeners(name) as ((payload: JobEvent) => unknown)[]) {
      try {
        const returned = listener.call(this, payload);
        if (returned instanceof Promise) returned.catch((error: unknown) => this.#onListenerError(error, name));
      } catch (error) {
        this.#onListenerError(error, name);
      }
    }
  }
}

function lifecycleNameOf(event: JobEvent): JobLifecycleEventName | undefined {
  switch (event.status) {
    case 'started':
      return 'job:started';
    case 'pending':
      return event.error ? 'job:retrying' : undefined;
    case 'success':
      return 'job:completed';
    case 'failed':
    case 'invalid':
      return event.error?.code === 'killed' || event.error?.code === 'cancelled' ? 'job:killed' : 'job:failed';
    default:
      return undefined;
  }
}
