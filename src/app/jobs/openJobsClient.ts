// A JobsClient with connections of its own, for a process that manages jobs without running
// them (the CLI, another app): SurrealDB is opened now, Temporal on the first operation that
// needs it (kill, retry, clear --all, queues), so reading jobs works while Temporal is down.
import type { Surreal } from 'surrealdb';
import type { RunnerConfig } from '../../core/interfaces.js';
import { BackendRegistry } from '../../config/backendRegistry.js';
import { TableShapes } from '../../adapters/db/tableShape.js';
import { openSurreal } from '../../adapters/db/connect.js';
import { assertTemporalReady, connectFailure, lazyTemporalConnection, temporalClientFor } from '../../adapters/temporal/connectTemporal.js';
import { JobsClient } from './jobsClient.js';

export interface OpenedJobsClient {
  jobs: JobsClient;
  db: Surreal;
  /** Connects to Temporal, or throws saying why it cannot (one line, how to fix it). */
  ensureTemporal(): Promise<void>;
  close(): Promise<void>;
}

export async function openJobsClient(config: RunnerConfig, options: { connectTimeoutMs?: number } = {}): Promise<OpenedJobsClient> {
  const registry = await BackendRegistry.load(config);
  const db = await openSurreal(config.surreal, { timeoutMs: options.connectTimeoutMs });
  const connection = lazyTemporalConnection(config.temporal);
  const client = temporalClientFor(connection, config.temporal); // with the payload codec, when keys are set
  let temporalUsed = false;
  return {
    jobs: new JobsClient({ db: () => db, client, registry, shapes: new TableShapes(() => db) }),
    db,
    ensureTemporal: async () => {
      temporalUsed = true;
      await assertTemporalReady(config.temporal, 5_000);
      try {
        await connection.ensureConnected();
      } catch (cause) {
        throw await connectFailure(config.temporal, cause);
      }
    },
    close: async () => {
      if (temporalUsed) await connection.close().catch(() => undefined);
      await db.close().catch(() => undefined);
    },
  };
}
