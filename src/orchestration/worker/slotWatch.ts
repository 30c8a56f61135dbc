// Which workers have every activity slot held by an activity past its timeout. Temporal has
// given up on those attempts (and retries them elsewhere), but the worker still counts the slots
// as busy and stops polling its task queue: it takes no new work, and says nothing. This sees
// it, for an error log line now and a readiness check later. The clock is injected: pure logic.

export interface WorkerSlots {
  taskQueue: string;
  backend: string;
  /** The worker's activity slots (the backend's concurrency). */
  slots: number;
}

export interface SlotHealth extends WorkerSlots {
  /** Activities running now. */
  inFlight: number;
  /** Of those, how many run past their start-to-close timeout. */
  overdue: number;
  /** Since when every slot has been held past its timeout (epoch ms); absent when not stalled. */
  stalledSinceMs?: number;
}

interface Running {
  /** When Temporal gave up on it: start + start-to-close timeout (epoch ms). */
  overdueAtMs: number;
}

export class SlotWatch {
  readonly #workers = new Map<string, WorkerSlots>();
  readonly #running = new Map<string, Set<Running>>();
  readonly #stalledSince = new Map<string, number>();

  constructor(
    workers: readonly WorkerSlots[],
    private readonly now: () => number = Date.now,
  ) {
    for (const worker of workers) this.#workers.set(worker.taskQueue, worker);
  }

  /** An activity started on `taskQueue`; call the returned function when it returns. */
  begin(taskQueue: string, startToCloseTimeoutMs: number | undefined): () => void {
    const entry: Running = { overdueAtMs: this.now() + (startToCloseTimeoutMs ?? Number.POSITIVE_INFINITY) };
    let running = this.#running.get(taskQueue);
    if (!running) this.#running.set(taskQueue, (running = new Set()));
    running.add(entry);
    return () => running.delete(entry);
  }

  /** Re-evaluates every worker: call it periodically. */
  check(): SlotHealth[] {
    const now = this.now();
    return [...this.#workers.values()].map((worker) => {
      const running = [...(this.#running.get(worker.taskQueue) ?? [])];
      const overdue = running.filter((r) => r.overdueAtMs <= now);
      if (overdue.length >= worker.slots) {
        // Stalled since the moment the last of the slots went overdue.
        const since = this.#stalledSince.get(worker.taskQueue) ?? overdue.map((r) => r.overdueAtMs).sort((a, b) => a - b)[worker.slots - 1]!;
        this.#stalledSince.set(worker.taskQueue, since);
        return { ...worker, inFlight: running.length, overdue: overdue.length, stalledSinceMs: since };
      }
      this.#stalledSince.delete(worker.taskQueue);
      return { ...worker, inFlight: running.length, overdue: overdue.length };
    });
  }
}
