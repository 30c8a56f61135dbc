// What /readyz checks: the database answers, Temporal answers, (with workers) the workers
// run and none has every slot held past its timeout, and (with the bridge) the bridge runs with
// Temporal reachable and its live subscriptions open. Each check has a short deadline.
import type { Surreal } from 'surrealdb';
import type { Client } from '@temporalio/client';
import type { Readiness } from '../../adapters/http/opsServer.js';
import { probeTemporal, unavailableReason } from '../../adapters/temporal/temporalUnavailable.js';
import type { SlotHealth } from '../../orchestration/worker/slotWatch.js';
import type { BridgeHealth } from '../../orchestration/bridge/bridge.js';

export interface ReadinessSources {
  db: () => Surreal;
  client: Client;
  /** Undefined in bridge mode (no workers to check). */
  workers?: { health: () => SlotHealth[]; failed: () => Error | undefined };
  /** Undefined in worker mode (no bridge to check); returns undefined until the bridge exists. */
  bridge?: () => BridgeHealth | undefined;
  timeoutMs?: number;
}

export async function checkReadiness(sources: ReadinessSources): Promise<Readiness> {
  const timeoutMs = sources.timeoutMs ?? 2_000;
  const failures: Readiness['failures'] = [];
  const [db, temporal] = await Promise.all([
    withTimeout(sources.db().query('RETURN 1'), timeoutMs),
    withTimeout(probeTemporal(sources.client, timeoutMs), timeoutMs + 500),
  ]);
  if (db) failures.push({ check: 'database', reason: db });
  if (temporal) failures.push({ check: 'temporal', reason: temporal });
  if (sources.workers) {
    const failed = sources.workers.failed();
    const health = sources.workers.health();
    if (failed) failures.push({ check: 'workers', reason: `a worker stopped: ${unavailableReason(failed)}` });
    else if (health.length === 0) failures.push({ check: 'workers', reason: 'the workers are not running yet' });
    for (const worker of health.filter((w) => w.stalledSinceMs !== undefined)) {
      failures.push({
        check: 'workers',
        reason: `worker of ${worker.taskQueue}: all ${worker.slots} slots held past their timeout since ${new Date(worker.stalledSinceMs!).toISOString()}`,
      });
    }
  }
  if (sources.bridge) failures.push(...bridgeFailures(sources.bridge()));
  return { ready: failures.length === 0, failures };
}

function bridgeFailures(health: BridgeHealth | undefined): Readiness['failures'] {
  const since = (ms: number) => new Date(ms).toISOString();
  if (!health || health.state === 'starting') return [{ check: 'bridge', reason: 'the bridge is not running yet' }];
  if (health.state === 'stopped') return [{ check: 'bridge', reason: 'the bridge stopped: no job is started' }];
  const failures: Readiness['failures'] = [];
  if (health.temporalDownSinceMs !== undefined) {
    failures.push({ check: 'bridge', reason: `Temporal unreachable since ${since(health.temporalDownSinceMs)}: new jobs wait in their tables` });
  }
  if (health.reconnectingSinceMs !== undefined) {
    failures.push({ check: 'bridge', reason: `live subscriptions lost since ${since(health.reconnectingSinceMs)}; reconnecting to SurrealDB` });
  }
  return failures;
}

/** Undefined when the promise resolves in time, else why not. */
async function withTimeout(promise: Promise<unknown>, timeoutMs: number): Promise<string | undefined> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<string>((resolve) => (timer = setTimeout(() => resolve(`no answer within ${timeoutMs} ms`), timeoutMs)));
  try {
    return await Promise.race([promise.then(() => undefined, (error: unknown) => unavailableReason(error)), deadline]);
  } finally {
    clearTimeout(timer);
  }
}
