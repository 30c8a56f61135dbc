// The runner's operations endpoint: /metrics (its own registry, so two runners in one process
// do not collide), /healthz and /readyz. Started by createRunner when `metrics` is set.
import { Registry } from 'prom-client';
import type { Surreal } from 'surrealdb';
import type { Client } from '@temporalio/client';
import type { Logger } from 'pino';
import { startOpsServer, type OpsServer } from '../../adapters/http/opsServer.js';
import type { TableShapes } from '../../adapters/db/tableShape.js';
import type { BackendRegistry } from '../../config/backendRegistry.js';
import type { JobEvents } from '../../core/jobEvents.js';
import type { SlotHealth } from '../../orchestration/worker/slotWatch.js';
import { feedJobMetrics } from './jobMetrics.js';
import { feedBacklogMetrics } from './backlogMetrics.js';
import { feedScheduleMetrics } from './scheduleMetrics.js';
import { checkReadiness } from './readiness.js';
import type { BridgeHealth } from '../../orchestration/bridge/bridge.js';

export interface MetricsOptions {
  /** Port of /metrics, /healthz and /readyz; 0 picks a free one (see runner.opsUrl). */
  port: number;
  /** Interface to listen on; default 127.0.0.1 (`start` uses 0.0.0.0). */
  host?: string;
  /** How often the backlog gauges are re-read, ms (default 15 s). */
  backlogRefreshMs?: number;
  /** How often the schedule gauges are re-read, ms (default 15 s). */
  schedulesRefreshMs?: number;
}

export interface OpsSources {
  db: () => Surreal;
  client: Client;
  shapes: TableShapes;
  registry: BackendRegistry;
  events: JobEvents;
  logger: Logger;
  /** Undefined in bridge mode. */
  workers?: { health: () => SlotHealth[]; failed: () => Error | undefined };
  /** Set where the bridge runs (it reconciles the schedules): whose schedules to report. */
  schedules?: { deployment: string };
  /** Set where the bridge runs: its state (undefined until it exists), checked by /readyz. */
  bridge?: () => BridgeHealth | undefined;
}

export interface OpsEndpoint {
  readonly url: string;
  readonly metrics: Registry;
  close(): Promise<void>;
}

export async function startOpsEndpoint(sources: OpsSources, options: MetricsOptions): Promise<OpsEndpoint> {
  const metrics = new Registry();
  const stopJobs = feedJobMetrics(sources.events, sources.registry, metrics);
  const backlog = feedBacklogMetrics(
    {
      db: sources.db,
      shapes: sources.shapes,
      tables: sources.registry.tables,
      backends: [...sources.registry.backends.keys()],
      workerHealth: () => sources.workers?.health() ?? [],
      logger: sources.logger,
      ...(options.backlogRefreshMs ? { refreshIntervalMs: options.backlogRefreshMs } : {}),
    },
    metrics,
  );
  const schedules = sources.schedules
    ? feedScheduleMetrics(
        {
          client: sources.client,
          deployment: sources.schedules.deployment,
          logger: sources.logger,
          ...(options.schedulesRefreshMs ? { refreshIntervalMs: options.schedulesRefreshMs } : {}),
        },
        metrics,
      )
    : undefined;
  let server: OpsServer;
  try {
    server = await startOpsServer(
      {
        readiness: () =>
          checkReadiness({
            db: sources.db,
            client: sources.client,
            ...(sources.workers ? { workers: sources.workers } : {}),
            ...(sources.bridge ? { bridge: sources.bridge } : {}),
          }),
        metrics: async () => ({ contentType: metrics.contentType, body: await metrics.metrics() }),
      },
      { port: options.port, host: options.host ?? '127.0.0.1' },
    );
  } catch (error) {
    stopJobs();
    backlog.stop();
    schedules?.stop();
    throw error;
  }
  return {
    url: server.url,
    metrics,
    async close() {
      stopJobs();
      backlog.stop();
      schedules?.stop();
      await server.close();
    },
  };
}
