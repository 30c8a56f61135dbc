// Says so when a worker's activity slots are all held past their timeouts: an error line when it
// starts, again every minute while it lasts, and a line when the worker takes work again.
import type { Logger } from 'pino';
import type { SlotHealth, SlotWatch } from './slotWatch.js';

export const SLOT_CHECK_EVERY_MS = 5_000;
const REPEAT_EVERY_MS = 60_000;

/** Starts the periodic check; returns the function that stops it. */
export function reportStalledSlots(watch: SlotWatch, logger: Logger, everyMs = SLOT_CHECK_EVERY_MS): () => void {
  const lastReported = new Map<string, number>();
  const timer = setInterval(() => {
    const now = Date.now();
    for (const worker of watch.check()) {
      if (worker.stalledSinceMs === undefined) {
        if (lastReported.delete(worker.taskQueue)) {
          logger.info({ backend: worker.backend, taskQueue: worker.taskQueue }, `worker of backend ${worker.backend} takes work again`);
        }
        continue;
      }
      const last = lastReported.get(worker.taskQueue);
      if (last !== undefined && now - last < REPEAT_EVERY_MS) continue;
      lastReported.set(worker.taskQueue, now);
      logger.error(fields(worker, now), message(worker, now));
    }
  }, everyMs);
  timer.unref();
  return () => clearInterval(timer);
}

function fields(worker: SlotHealth, now: number) {
  return {
    backend: worker.backend,
    taskQueue: worker.taskQueue,
    slots: worker.slots,
    overdue: worker.overdue,
    stalledForMs: now - worker.stalledSinceMs!,
  };
}

function message(worker: SlotHealth, now: number): string {
  const seconds = Math.round((now - worker.stalledSinceMs!) / 1000);
  return (
    `worker of backend ${worker.backend} (task queue ${worker.taskQueue}) takes no new work: all ${worker.slots} activity slots ` +
    `are held by activities past their timeout, for ${seconds} s. A database or HTTP call does not return; ` +
    `Temporal retries those steps on other workers. Restart this process if it lasts.`
  );
}
