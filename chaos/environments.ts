// Where a chaos run happens, and the faults that belong to it. `dev`: the Temporal dev server
// (SQLite) and the embedded SurrealDB engine behind our relay. `stack`: the production stack
// (Temporal on PostgreSQL with mTLS, the SurrealDB server behind our TCP proxy), whose servers
// are SIGKILLed and restarted. The runner faults (kill a worker, a bridge, ...) are the same on both.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Connection } from '@temporalio/client';
import type { Surreal } from 'surrealdb';
import { deploySchema } from '../src/adapters/db/deploySchema.js';
import { openSurreal } from '../src/adapters/db/connect.js';
import { startDevServer, type DevServer } from '../src/adapters/temporal/devServer.js';
import { JOB_SEARCH_ATTRIBUTES } from '../src/core/searchAttributes.js';
import { ensureStackTools } from '../stack/buildTools.js';
import { stackLayout } from '../stack/layout.js';
import { startStack, type Stack } from '../stack/startStack.js';
import { sdkTls } from '../stack/temporalServer.js';
import { startSurrealRelay } from './surrealRelay.js';

export interface FaultContext {
  random: () => number;
  /** Work that goes on after the fault was injected (a restart later, the end of a stall). */
  later: (work: Promise<unknown>) => void;
}

export interface ChaosEnvironment {
  name: 'dev' | 'stack';
  /** The checker's own SurrealDB connection (reconnects by itself after a server restart). */
  db: Surreal;
  /** What runner processes need to reach this environment (SURREAL_*, TEMPORAL_*). */
  runnerEnv: NodeJS.ProcessEnv;
  connectTemporal(): Promise<Connection>;
  /** The faults of this environment's servers and network, by name. */
  faults: Record<string, (context: FaultContext) => Promise<void>>;
  close(): Promise<void>;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export async function devEnvironment(options: { surrealStallMs: number }): Promise<ChaosEnvironment> {
  const dir = mkdtempSync(path.join(tmpdir(), 'spooky-chaos-'));
  let temporal: DevServer = await startDevServer({ ui: false, dbFilename: path.join(dir, 'temporal.db'), searchAttributes: JOB_SEARCH_ATTRIBUTES });
  const relay = await startSurrealRelay({ url: `surrealkv://${path.join(dir, 'surreal')}`, namespace: 'chaos', database: 'chaos' });
  await deploySchema(relay.db, ['job']);
  return {
    name: 'dev',
    db: relay.db,
    runnerEnv: { SURREAL_URL: relay.url, SURREAL_NS: 'chaos', SURREAL_DB: 'chaos', TEMPORAL_ADDRESS: temporal.address },
    connectTemporal: () => Connection.connect({ address: temporal.address }),
    faults: {
      'restart-temporal': async () => {
        const { port, dbFilename } = temporal;
        await temporal.stop();
        temporal = await startDevServer({ ui: false, port, dbFilename, searchAttributes: JOB_SEARCH_ATTRIBUTES });
      },
      /**
       * SurrealDB stops answering for a while: sockets stay open, requests sent meanwhile are never
       * answered (as after a freeze or on a half-open connection); later ones are.
       */
      'surreal-stall': async ({ later }) => {
        relay.stopAnswering();
        later(sleep(options.surrealStallMs).then(() => relay.answerAgain()));
      },
      /** SurrealDB drops every connection at once, as a server restart would. */
      'surreal-drop-connections': async () => relay.dropConnections(),
    },
    async close() {
      await relay.close().catch(() => undefined);
      await temporal.stop().catch(() => undefined);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export async function stackEnvironment(options: { surrealStallMs: number; log: (line: string) => void }): Promise<ChaosEnvironment> {
  await ensureStackTools(options.log);
  const stateDir = mkdtempSync(path.join(tmpdir(), 'spooky-chaos-stack-'));
  const stack: Stack = await startStack({ layout: stackLayout(stateDir, 200), ui: false, log: options.log });
  const db = await openSurreal({
    url: stack.addresses.surreal,
    namespace: stack.surreal.namespace,
    database: stack.surreal.database,
    username: stack.surreal.username,
    password: stack.surreal.password,
  });
  await deploySchema(db, ['job']);
  // One fault at a time per server: a server is hit again only once it is back from the last one.
  const back = { temporal: Promise.resolve(), surreal: Promise.resolve(), postgres: Promise.resolve() };
  const crashAndRestart = async (server: keyof typeof back, later: FaultContext['later'], crash: () => Promise<void>, downMs: number, start: () => Promise<void>) => {
    await back[server];
    await crash();
    back[server] = sleep(downMs).then(start);
    later(back[server]);
  };
  return {
    name: 'stack',
    db,
    runnerEnv: stack.runnerEnv,
    connectTemporal: () =>
      Connection.connect({ address: stack.addresses.temporal, tls: sdkTls(stack.tls) }),
    faults: {
      /** SIGKILL of the Temporal server, restarted 1–3 s later (its state is in PostgreSQL). */
      'restart-temporal': ({ random, later }) =>
        crashAndRestart('temporal', later, () => stack.temporal.kill(), 1_000 + random() * 2_000, () => stack.temporal.start(120_000)),
      /** SIGKILL of the SurrealDB server, restarted 1–3 s later on the same surrealkv files. */
      'kill-surreal-server': ({ random, later }) =>
        crashAndRestart('surreal', later, () => stack.surrealServer.kill(), 1_000 + random() * 2_000, () => stack.surrealServer.start(60_000)),
      /** PostgreSQL crashes (every process quits at once: crash recovery at the next start) and is back 2–5 s later. */
      'crash-postgres': ({ random, later }) =>
        crashAndRestart('postgres', later, () => stack.postgres.crash(), 2_000 + random() * 3_000, () => stack.postgres.start()),
      /** The network between the runners and SurrealDB forwards nothing for a while, connections stay open. */
      'network-stall': async ({ later }) => {
        stack.proxy.stall(options.surrealStallMs);
        later(sleep(options.surrealStallMs));
      },
      /** Every runner connection to SurrealDB is cut at once. */
      'surreal-drop-connections': async () => stack.proxy.dropConnections(),
    },
    async close() {
      await db.close().catch(() => undefined);
      await stack.stop();
      rmSync(stateDir, { recursive: true, force: true });
    },
  };
}
