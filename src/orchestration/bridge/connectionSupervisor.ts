// Keeps the bridge's view of the database whole: a periodic reconciliation pass repeats the
// catch-up; a health check reopens a dropped connection with backoff, resubscribes and catches
// up again; a reconnect made inside the SDK is followed by a catch-up too.
import { setTimeout as delay } from 'node:timers/promises';
import type { LiveSubscriptions } from './liveSubscriptions.js';
import type { BridgeContext, ResolvedBridgeOptions } from './bridgeOptions.js';
import type { TemporalOutage } from './temporalOutage.js';

/** Longest wait between two reopen attempts. */
const MAX_RECONNECT_DELAY_MS = 10_000;

export interface ConnectionSupervisorOptions
  extends Pick<ResolvedBridgeOptions, 'reconcileIntervalMs' | 'healthCheckIntervalMs' | 'reconnectBaseDelayMs'> {
  live: LiveSubscriptions;
  /** The catch-up pass (single-flight). */
  catchUp: () => Promise<void>;
  /** While Temporal is unreachable, its own probe runs the catch-up when it is back. */
  outage: TemporalOutage;
  stopSignal: AbortSignal;
}

export class ConnectionSupervisor {
  readonly #ctx: BridgeContext;
  readonly #o: ConnectionSupervisorOptions;
  readonly #timers: NodeJS.Timeout[] = [];
  #recovering: Promise<void> | undefined;
  #recoveringSinceMs: number | undefined;
  #unlistenConnected: (() => void) | undefined;

  constructor(ctx: BridgeContext, options: ConnectionSupervisorOptions) {
    this.#ctx = ctx;
    this.#o = options;
  }

  start(): void {
    this.#listenForSdkReconnects();
    this.#timers.push(setInterval(() => void this.#reconcile(), this.#o.reconcileIntervalMs));
    this.#timers.push(setInterval(() => void this.#checkHealth(), this.#o.healthCheckIntervalMs));
  }

  /** Stops the timers and the reconnect listener; a recovery under way ends at its next step (see idle). */
  halt(): void {
    this.#timers.forEach(clearInterval);
    this.#unlistenConnected?.();
  }

  /** Resolves once no recovery runs. */
  async idle(): Promise<void> {
    await this.#recovering?.catch(() => undefined);
  }

  /** Since when (epoch ms) the live subscriptions are down and being reopened; undefined while they run. */
  get reconnectingSinceMs(): number | undefined {
    return this.#recovering ? this.#recoveringSinceMs : undefined;
  }

  /** Reopen (with backoff) until healthy, resubscribe, catch up. Single-flight. */
  recover(): Promise<void> {
    const { connection, logger, shapes } = this.#ctx;
    if (!this.#recovering) this.#recoveringSinceMs = Date.now();
    this.#recovering ??= (async () => {
      let wait = this.#o.reconnectBaseDelayMs;
      logger.warn('SurrealDB connection lost; reconnecting');
      while (!this.#o.stopSignal.aborted) {
        await delay(wait);
        try {
          if (!(await connection.isHealthy(1000))) await connection.reopen();
          if (!(await connection.isHealthy())) throw new Error('database does not answer');
          shapes.forget();
          await this.#o.live.subscribeAll();
          this.#listenForSdkReconnects();
          logger.info('SurrealDB connection restored; catching up on pending jobs');
          await this.#o.catchUp().catch((error: unknown) =>
            logger.error({ err: error }, 'catch-up after reconnect failed; reconciliation will try again'),
          );
          return;
        } catch (error) {
          logger.warn({ err: error, retryInMs: wait }, 'reconnect failed');
          wait = Math.min(wait * 2, MAX_RECONNECT_DELAY_MS);
        }
      }
    })().finally(() => (this.#recovering = undefined));
    return this.#recovering;
  }

  async #reconcile(): Promise<void> {
    if (this.#o.stopSignal.aborted || this.#recovering || this.#o.outage.down) return;
    await this.#o.catchUp().catch(async (error: unknown) => {
      if (this.#o.outage.noteFailure(error)) return;
      // Only a dead connection calls for a reconnect; anything else waits for the next pass.
      if (await this.#ctx.connection.isHealthy()) {
        this.#ctx.logger.error({ err: error }, 'reconciliation pass failed; trying again on the next pass');
      } else {
        void this.recover();
      }
    });
  }

  async #checkHealth(): Promise<void> {
    if (this.#o.stopSignal.aborted || this.#recovering) return;
    const reopened = this.#ctx.connection.generation !== this.#o.live.generation;
    if (reopened || !(await this.#ctx.connection.isHealthy())) void this.recover();
  }

  /** Remote engines reconnect inside the SDK (which restarts live queries); catch up after each. */
  #listenForSdkReconnects(): void {
    this.#unlistenConnected?.();
    this.#unlistenConnected = this.#ctx.connection.db.subscribe('connected', () => {
      if (!this.#o.stopSignal.aborted) void this.#reconcile();
    });
  }
}
