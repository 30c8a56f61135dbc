// Where the bench runs: `dev` (the Temporal dev server on SQLite, the embedded SurrealDB engine
// behind the chaos relay) or `stack` (Temporal on PostgreSQL with mTLS, the SurrealDB server).
// The floor is measured on the same server in both, so the ratio compares like with like.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Connection } from '@temporalio/client';
import { NativeConnection } from '@temporalio/worker';
import type { Surreal } from 'surrealdb';
import { startSurrealRelay } from '../chaos/surrealRelay.js';
import { openSurreal } from '../src/adapters/db/connect.js';
import { deploySchema } from '../src/adapters/db/deploySchema.js';
import { startDevServer } from '../src/adapters/temporal/devServer.js';
import { JOB_SEARCH_ATTRIBUTES } from '../src/core/searchAttributes.js';
import { ensureStackTools } from '../stack/buildTools.js';
import { stackLayout } from '../stack/layout.js';
import { startStack } from '../stack/startStack.js';
import { sdkTls } from '../stack/temporalServer.js';

export interface BenchEnvironment {
  name: 'dev' | 'stack';
  /** The bench's own SurrealDB connection (also the in-process runner's). */
  db: Surreal;
  /** SURREAL_* and TEMPORAL_* for runner processes. */
  runnerEnv: NodeJS.ProcessEnv;
  /** The `temporal` block of an in-process runner's config. */
  temporal: { address: string; namespace: string; tls?: { caFile: string; certFile: string; keyFile: string; serverName: string } };
  connectClient(): Promise<Connection>;
  connectWorker(): Promise<NativeConnection>;
  close(): Promise<void>;
}

export async function benchEnvironment(name: 'dev' | 'stack', log: (line: string) => void): Promise<BenchEnvironment> {
  const dir = mkdtempSync(path.join(tmpdir(), `spooky-bench-${name}-`));
  if (name === 'dev') {
    const temporal = await startDevServer({ ui: false, dbFilename: path.join(dir, 'temporal.db'), searchAttributes: JOB_SEARCH_ATTRIBUTES });
    const relay = await startSurrealRelay({ url: `surrealkv://${path.join(dir, 'surreal')}`, namespace: 'bench', database: 'bench' });
    await deploySchema(relay.db, ['job']);
    return {
      name,
      db: relay.db,
      runnerEnv: { SURREAL_URL: relay.url, SURREAL_NS: 'bench', SURREAL_DB: 'bench', TEMPORAL_ADDRESS: temporal.address },
      temporal: { address: temporal.address, namespace: 'default' },
      connectClient: () => Connection.connect({ address: temporal.address }),
      connectWorker: () => NativeConnection.connect({ address: temporal.address }),
      async close() {
        await relay.close();
        await temporal.stop();
        rmSync(dir, { recursive: true, force: true });
      },
    };
  }
  await ensureStackTools(log);
  const stack = await startStack({ layout: stackLayout(dir, 300), ui: false, log });
  const db = await openSurreal({ url: stack.addresses.surreal, namespace: 'bench', database: 'bench', username: stack.surreal.username, password: stack.surreal.password });
  await deploySchema(db, ['job']);
  const tls = sdkTls(stack.tls);
  return {
    name,
    db,
    // The runners reach SurrealDB directly here, not through the chaos proxy.
    runnerEnv: { ...stack.runnerEnv, SURREAL_URL: stack.addresses.surreal, SURREAL_NS: 'bench', SURREAL_DB: 'bench' },
    temporal: { address: stack.addresses.temporal, namespace: 'default', tls: stack.tls },
    connectClient: () => Connection.connect({ address: stack.addresses.temporal, tls }),
    connectWorker: () => NativeConnection.connect({ address: stack.addresses.temporal, tls }),
    async close() {
      await db.close().catch(() => undefined);
      await stack.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
