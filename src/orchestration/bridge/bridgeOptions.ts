// What a bridge is given, its tunables' defaults, and what its parts share.
import type { Client } from '@temporalio/client';
import type { Logger } from 'pino';
import type { DbConnection } from '../../adapters/db/dbConnection.js';
import type { TableShapes } from '../../adapters/db/tableShape.js';
import type { BackendRegistry } from '../../config/backendRegistry.js';
import type { JobEvents } from '../../core/jobEvents.js';
import type { ConfirmedRunning } from './confirmedRunning.js';

export interface BridgeOptions {
  connection: DbConnection;
  client: Client;
  registry: BackendRegistry;
  shapes: TableShapes;
  logger: Logger;
  events: JobEvents;
  /** Rows read per catch-up page (memory stays bounded by this). Default 100. */
  pageSize?: number;
  /** Period of the reconciliation pass. Default 30 s. */
  reconcileIntervalMs?: number;
  /** Period of the connection health check. Default 2 s. */
  healthCheckIntervalMs?: number;
  /** First wait before reopening a dropped connection; doubles up to 10 s. Default 200 ms. */
  reconnectBaseDelayMs?: number;
  /** Workflow starts in flight at once. Default 16. */
  startConcurrency?: number;
  /**
   * Live notifications that may wait for a start; past this a row is left in its table for a
   * catch-up pass, so a burst of rows costs bounded memory. Default 1,000.
   */
  maxQueuedLiveRows?: number;
  /** A processing row unchanged this long gets its workflow checked by reconciliation. Default 60 s. */
  staleProcessingMs?: number;
  /**
   * A pending row whose workflow this bridge started, or found running, is not checked again by
   * reconciliation for this long. Default 10 min. Without it every pass would send one start
   * per waiting row (10,000 jobs delayed by an hour: 10,000 refused starts every 30 s).
   */
  recheckRunningMs?: number;
  /**
   * How long one workflow start may take, the SDK's own retries included. Default 10 s: a start
   * sent while Temporal is down fails in seconds (and reports the outage) instead of retrying
   * inside the SDK for half a minute. Starts are idempotent, so a late success is harmless.
   */
  startDeadlineMs?: number;
}

type Dependencies = 'connection' | 'client' | 'registry' | 'shapes' | 'logger' | 'events';

export type ResolvedBridgeOptions = Required<Omit<BridgeOptions, Dependencies>> & BridgeOptions;

export function withBridgeDefaults(options: BridgeOptions): ResolvedBridgeOptions {
  return {
    pageSize: 100,
    reconcileIntervalMs: 30_000,
    healthCheckIntervalMs: 2_000,
    reconnectBaseDelayMs: 200,
    startConcurrency: 16,
    maxQueuedLiveRows: 1_000,
    staleProcessingMs: 60_000,
    recheckRunningMs: 600_000,
    startDeadlineMs: 10_000,
    ...options,
  };
}

/** What the bridge's parts share: its dependencies and the rows known to have a running workflow. */
export interface BridgeContext extends Pick<BridgeOptions, Dependencies> {
  confirmedRunning: ConfirmedRunning;
  startDeadlineMs: number;
}

/** Where a row came from: each path decides differently whether it needs a start. */
export type Origin = 'live-create' | 'live-update' | 'catch-up';
