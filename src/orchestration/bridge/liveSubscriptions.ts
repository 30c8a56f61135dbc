// One LIVE SELECT per job table, carrying only what needs the bridge: new rows, re-enqueues
// (retries back to 0) and kill requests. The workflow's own writes (one per attempt) stay off the wire.
import { Table, raw, type LiveSubscription } from 'surrealdb';
import type { RowHandler } from './rowHandler.js';
import type { BridgeContext, Origin } from './bridgeOptions.js';

const LIVE_FILTER = "(status = 'pending' AND retries = 0) OR kill_requested_at != NONE";

export interface LiveSubscriptionsOptions {
  /** Runs a row's handling in one of the start slots shared with catch-up (or leaves the row to catch-up). */
  enqueue: (handle: () => Promise<void>) => void;
  rows: RowHandler;
  /** Told when the server killed a live query: the connection needs recovering. */
  onKilled: () => void;
}

export class LiveSubscriptions {
  readonly #ctx: BridgeContext;
  readonly #o: LiveSubscriptionsOptions;
  readonly #subscriptions: LiveSubscription[] = [];
  #generation = 0;

  constructor(ctx: BridgeContext, options: LiveSubscriptionsOptions) {
    this.#ctx = ctx;
    this.#o = options;
  }

  /** The connection's generation the live queries were opened on (it reopens itself after a hung call). */
  get generation(): number {
    return this.#generation;
  }

  /** Kills the live queries held, if any, and opens one per table on the current connection. */
  async subscribeAll(): Promise<void> {
    const { connection, registry, logger } = this.#ctx;
    await Promise.allSettled(this.#subscriptions.splice(0).map((s) => s.kill()));
    this.#generation = connection.generation;
    for (const table of registry.tables) {
      const live = await connection.db.live(new Table(table)).where(raw(LIVE_FILTER));
      live.subscribe((message) => {
        if (message.action === 'KILLED') {
          logger.warn({ table }, 'live query was killed by the server; resubscribing');
          this.#o.onKilled();
          return;
        }
        if (message.action === 'DELETE') return;
        const origin: Origin = message.action === 'CREATE' ? 'live-create' : 'live-update';
        this.#o.enqueue(() => this.#o.rows.handle(message.value, origin));
      });
      this.#subscriptions.push(live);
    }
  }

  async killAll(): Promise<void> {
    await Promise.allSettled(this.#subscriptions.map((s) => s.kill()));
    this.#subscriptions.length = 0;
  }
}
