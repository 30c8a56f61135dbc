// The backlog gauges, refreshed by a periodic query (one count and one row read per table, every
// 15 s by default), and the calls in flight, read from the workers' slots at each scrape.
import { Gauge, type Registry } from 'prom-client';
import type { Surreal } from 'surrealdb';
import type { Logger } from 'pino';
import type { TableShapes } from '../../adapters/db/tableShape.js';
import { countPendingByQueue } from '../../adapters/sql/countPendingByQueue.js';
import { oldestPendingCreatedAt } from '../../adapters/sql/oldestPendingCreatedAt.js';
import { refreshPeriodically, type PeriodicRefresh } from './refreshPeriodically.js';
import type { SlotHealth } from '../../orchestration/worker/slotWatch.js';

export interface BacklogSources {
  db: () => Surreal;
  shapes: TableShapes;
  tables: string[];
  backends: string[];
  workerHealth: () => SlotHealth[];
  logger: Logger;
  refreshIntervalMs?: number;
}

export function feedBacklogMetrics(sources: BacklogSources, metrics: Registry): PeriodicRefresh {
  const pending = new Gauge({ name: 'spooky_jobs_pending', help: 'Pending job rows, per table and queue', labelNames: ['table', 'queue'], registers: [metrics] });
  const oldest = new Gauge({ name: 'spooky_oldest_pending_age_seconds', help: 'Age of the oldest pending row, per table (0 when none)', labelNames: ['table'], registers: [metrics] });
  new Gauge({
    name: 'spooky_calls_in_flight',
    help: 'Backend calls running in this process, per backend',
    labelNames: ['backend'],
    registers: [metrics],
    collect() {
      const byBackend = new Map(sources.backends.map((b) => [b, 0]));
      for (const worker of sources.workerHealth()) byBackend.set(worker.backend, (byBackend.get(worker.backend) ?? 0) + worker.inFlight);
      for (const [backend, n] of byBackend) this.set({ backend }, n);
    },
  });

  return refreshPeriodically(
    'backlog metrics',
    async () => {
      const counts: [string, Map<string, number>, Date | undefined][] = [];
      for (const table of sources.tables) {
        const byQueue = await countPendingByQueue(sources.db(), await sources.shapes.get(table), table);
        counts.push([table, byQueue, await oldestPendingCreatedAt(sources.db(), table)]);
      }
      // Set all at once, so a queue drained since the last refresh drops to nothing rather than lingering.
      pending.reset();
      for (const [table, byQueue, since] of counts) {
        for (const [queue, n] of byQueue) pending.set({ table, queue }, n);
        oldest.set({ table }, since ? Math.max(0, Date.now() - since.getTime()) / 1000 : 0);
      }
    },
    sources.logger,
    sources.refreshIntervalMs,
  );
}
