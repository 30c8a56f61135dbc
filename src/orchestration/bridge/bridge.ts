// Rows → workflow starts. On start: a LIVE SELECT per job table, then a catch-up over the
// pending rows (live first, so nothing falls between the two). A periodic reconciliation
// repeats the catch-up; a health check reopens a dropped connection with backoff and
// catches up again. Every start is idempotent, so overlap between these paths is harmless.
// This class only wires the parts together and orders their start and stop.
import { setTimeout as delay } from 'node:timers/promises';
import pLimit from 'p-limit';
import { withBridgeDefaults, type BridgeContext, type BridgeOptions } from './bridgeOptions.js';
import { ConfirmedRunning } from './confirmedRunning.js';
import { JobStarter } from './jobStarter.js';
import { RowHandler } from './rowHandler.js';
import { CatchUp } from './catchUp.js';
import { LiveSubscriptions } from './liveSubscriptions.js';
import { ConnectionSupervisor } from './connectionSupervisor.js';
import { TemporalOutage } from './temporalOutage.js';
import { LiveOverflow } from './liveOverflow.js';

export type { BridgeOptions } from './bridgeOptions.js';

/** What the bridge is doing, as state only (no I/O), for readiness. */
export interface BridgeHealth {
  /** `starting` until its live subscriptions are open; `stopped` after stop() (or a failed worker stopped it). */
  state: 'starting' | 'running' | 'stopped';
  /** Set while its outage detector holds Temporal unreachable: no workflow starts. */
  temporalDownSinceMs?: number;
  /** Set while its live subscriptions are lost and being reopened: new rows wait for the catch-up. */
  reconnectingSinceMs?: number;
}

export class JobBridge {
  readonly #limit;
  readonly #stop = new AbortController();
  readonly #catchUp: CatchUp;
  readonly #live: LiveSubscriptions;
  readonly #supervisor: ConnectionSupervisor;
  readonly #outage: TemporalOutage;
  readonly #overflow: LiveOverflow;
  #subscribed = false;

  constructor(options: BridgeOptions) {
    const o = withBridgeDefaults(options);
    const { connection, client, registry, shapes, logger, events } = o;
    const ctx: BridgeContext = { connection, client, registry, shapes, logger, events, confirmedRunning: new ConfirmedRunning(), startDeadlineMs: o.startDeadlineMs };
    const stopSignal = this.#stop.signal;
    const limit = pLimit(o.startConcurrency);
    this.#outage = new TemporalOutage(ctx, { onBack: () => this.catchUp(), stopSignal });
    const rows = new RowHandler(ctx, new JobStarter(ctx), stopSignal, this.#outage);
    this.#limit = limit;
    const { pageSize, staleProcessingMs, recheckRunningMs } = o;
    this.#catchUp = new CatchUp(ctx, { pageSize, staleProcessingMs, recheckRunningMs, limit, rows, stopSignal });
    this.#overflow = new LiveOverflow({ limit, maxQueued: o.maxQueuedLiveRows, catchUp: () => this.catchUp(), logger, stopSignal });
    this.#live = new LiveSubscriptions(ctx, {
      enqueue: (handle) => this.#overflow.offer(handle),
      rows,
      onKilled: () => void this.#supervisor.recover(),
    });
    this.#supervisor = new ConnectionSupervisor(ctx, {
      reconcileIntervalMs: o.reconcileIntervalMs,
      healthCheckIntervalMs: o.healthCheckIntervalMs,
      reconnectBaseDelayMs: o.reconnectBaseDelayMs,
      live: this.#live,
      catchUp: () => this.catchUp(),
      outage: this.#outage,
      stopSignal,
    });
  }

  async start(): Promise<void> {
    await this.#live.subscribeAll();
    this.#subscribed = true;
    await this.catchUp();
    this.#supervisor.start();
  }

  async stop(): Promise<void> {
    this.#stop.abort();
    this.#supervisor.halt();
    await this.#live.killAll();
    await this.#supervisor.idle();
    await this.#outage.idle();
    await this.#overflow.idle();
    await this.#catchUp.idle();
    while (this.#limit.activeCount + this.#limit.pendingCount > 0) await delay(20);
  }

  health(): BridgeHealth {
    const state = this.#stop.signal.aborted ? 'stopped' : this.#subscribed ? 'running' : 'starting';
    const temporalDownSinceMs = this.#outage.downSinceMs;
    const reconnectingSinceMs = this.#supervisor.reconnectingSinceMs;
    return {
      state,
      ...(temporalDownSinceMs !== undefined ? { temporalDownSinceMs } : {}),
      ...(reconnectingSinceMs !== undefined ? { reconnectingSinceMs } : {}),
    };
  }

  /** Starts a workflow for every pending row and cancels runs whose kill was requested. Single-flight. */
  catchUp(): Promise<void> {
    return this.#catchUp.run();
  }
}
