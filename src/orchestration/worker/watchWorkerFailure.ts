// Notices a worker that failed for good. The SDK marks the worker FAILED as soon as a fatal
// poll error arrives (after Core's 60 s grace), but `run()` then awaits the native worker's
// finalisation, which can hang or reject much later with an unrelated IllegalStateError.
// So the state is read every second as well, and whichever comes first reports the failure.
import type { Worker } from '@temporalio/worker';

const CHECK_EVERY_MS = 1_000;

export interface WorkerFailure {
  taskQueue: string;
  error: Error;
}

/** Calls `onFailure` once, for the first worker that fails; returns the function that stops watching. */
export function watchWorkerFailure(
  workers: readonly Worker[],
  runs: readonly Promise<unknown>[],
  onFailure: (failure: WorkerFailure) => void,
): () => void {
  let reported = false;
  const report = (failure: WorkerFailure): void => {
    if (reported) return;
    reported = true;
    clearInterval(timer);
    onFailure(failure);
  };
  const timer = setInterval(() => {
    const failed = workers.find((worker) => worker.getState() === 'FAILED');
    if (failed) {
      const taskQueue = failed.options.taskQueue;
      report({ taskQueue, error: new Error(`the Temporal worker of task queue ${taskQueue} failed (the SDK logged its cause as "Worker failed")`) });
    }
  }, CHECK_EVERY_MS);
  timer.unref();
  runs.forEach((run, i) => {
    run.catch((error: unknown) => {
      // The rejection may be the SDK's own finalisation error ("Worker still in use"), not the cause:
      // name the task queue, and say where the cause was logged.
      const taskQueue = workers[i]!.options.taskQueue;
      const message = error instanceof Error ? error.message : String(error);
      report({ taskQueue, error: new Error(`the Temporal worker of task queue ${taskQueue} failed: ${message} (the SDK logged its cause as "Worker failed")`, { cause: error }) });
    });
  });
  return () => {
    reported = true;
    clearInterval(timer);
  };
}
