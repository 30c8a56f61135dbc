// Live notifications wait in memory for a start slot, and a burst can outrun the starts by far:
// 100,000 rows written at once held about 7 KB each in the runner (RSS 290 MB to 1.3 GB in 5
// minutes, measured in `npm run load`). Past `maxQueued` waiting, a notification is dropped
// instead: its row stays pending in its table, and a catch-up pass, which pages through the
// pending rows with bounded memory, starts it. Passes repeat until one ran with nothing dropped.
import type { LimitFunction } from 'p-limit';
import type { Logger } from 'pino';

export interface LiveOverflowOptions {
  /** The start slots shared with catch-up. */
  limit: LimitFunction;
  /** Notifications that may wait for a slot; more are left to a catch-up pass. */
  maxQueued: number;
  /** The catch-up pass (single-flight). */
  catchUp: () => Promise<void>;
  logger: Logger;
  stopSignal: AbortSignal;
}

export class LiveOverflow {
  readonly #o: LiveOverflowOptions;
  #missed = false;
  #dropped = 0;
  #catchingUp: Promise<void> | undefined;

  constructor(options: LiveOverflowOptions) {
    this.#o = options;
  }

  /** Runs `handle` in a start slot, or leaves its row to a catch-up pass when too many wait. */
  offer(handle: () => Promise<void>): void {
    if (this.#o.limit.pendingCount < this.#o.maxQueued) {
      void this.#o.limit(handle);
      return;
    }
    this.#missed = true;
    this.#dropped++;
    if (this.#o.stopSignal.aborted) return;
    this.#catchingUp ??= this.#catchUpUntilNothingMissed().finally(() => (this.#catchingUp = undefined));
  }

  /** Resolves once no catch-up of this overflow runs. */
  async idle(): Promise<void> {
    await this.#catchingUp;
  }

  async #catchUpUntilNothingMissed(): Promise<void> {
    const { logger, maxQueued, stopSignal } = this.#o;
    logger.warn({ waiting: maxQueued }, 'job rows arrive faster than their workflows start: further rows are left in their table for a catch-up pass');
    while (this.#missed && !stopSignal.aborted) {
      // A row dropped while this pass runs may lie behind its cursor: another pass follows.
      this.#missed = false;
      try {
        await this.#o.catchUp();
      } catch (error) {
        // The rows stay pending: the next reconciliation pass (or overflow) finds them.
        logger.error({ err: error }, 'catch-up after a burst of rows failed; reconciliation will try again');
        return;
      }
    }
    logger.info({ rows: this.#dropped }, 'caught up on the rows of a burst');
    this.#dropped = 0;
  }
}
