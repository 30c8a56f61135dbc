// A SurrealDB RPC endpoint (ws://, CBOR) in front of the embedded engine, so several processes
// can share one embedded database in the chaos run: no SurrealDB server binary can be
// installed here. The endpoint is the one `dev` serves (src/adapters/surrealRpc/serveSurrealRpc.ts), without a
// credential, plus the faults chaos injects: stalls and dropped connections. A test tool.
import type { Surreal } from 'surrealdb';
import { openEmbeddedEngine } from '../src/adapters/surrealRpc/embeddedEngine.js';
import { serveSurrealRpc } from '../src/adapters/surrealRpc/serveSurrealRpc.js';

export interface SurrealRelay {
  /** `ws://127.0.0.1:<port>`: give it to openSurreal as the url. */
  url: string;
  /** The host process's own connection to the same database. */
  db: Surreal;
  /**
   * Drops every request from now on without an answer, on sockets open now and on new ones, until
   * `answerAgain()`: the dropped requests are never answered, as on a half-open connection.
   */
  stopAnswering(): void;
  /** Answers again: requests arriving from now on are answered; the dropped ones stay unanswered. */
  answerAgain(): void;
  /** Closes every client connection at once, as a server restart would (the server keeps listening). */
  dropConnections(): void;
  close(): Promise<void>;
}

export async function startSurrealRelay(options: { url: string; namespace: string; database: string; port?: number }): Promise<SurrealRelay> {
  const engine = await openEmbeddedEngine(options);
  let dropping = false;
  const server = await serveSurrealRpc({ engine, ...(options.port !== undefined ? { port: options.port } : {}), dropRequest: () => dropping });
  return {
    url: server.url,
    db: engine.db,
    stopAnswering: () => {
      dropping = true;
    },
    answerAgain: () => {
      dropping = false;
    },
    dropConnections: () => server.dropConnections(),
    close: async () => {
      await server.close();
      await engine.db.close();
    },
  };
}
