// A SurrealDB RPC endpoint (ws://, CBOR) in front of the embedded engine, so several processes
// can share one embedded database in the chaos run: no SurrealDB server binary can be
// installed here. It relays each request to the engine unchanged and routes live-query
// notifications to the socket that opened them. A test tool, not a server for production.
import { WebSocketServer, type WebSocket } from 'ws';
import type { AddressInfo } from 'node:net';
import { Surreal, Uuid, type DriverContext, type RpcEngine } from 'surrealdb';
import { NodeEngine } from '@surrealdb/node';
import { fixLiveNotifications } from '../src/adapters/db/fixLiveNotifications.js';

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

interface WireRequest {
  id: string;
  method: string;
  params?: unknown[];
  session?: unknown;
}

export async function startSurrealRelay(options: { url: string; namespace: string; database: string; port?: number }): Promise<SurrealRelay> {
  await fixLiveNotifications(); // the relay reads notifications through the SDK's iterator too
  let engine: RpcEngine | undefined;
  let context: DriverContext | undefined;
  const capture = (ctx: DriverContext) => {
    context = ctx;
    engine = new NodeEngine(ctx);
    return engine as never;
  };
  const db = new Surreal({ engines: { mem: capture, surrealkv: capture } });
  await db.connect(options.url, { namespace: options.namespace, database: options.database });
  const rpc = engine!;
  const cbor = context!.codecs.cbor;

  let dropping = false;

  const server = new WebSocketServer({ host: '127.0.0.1', port: options.port ?? 0, handleProtocols: () => 'cbor' });
  server.on('connection', (socket: WebSocket) => {
    const lives = new Set<string>();
    const send = (message: unknown) => {
      if (socket.readyState === socket.OPEN) socket.send(Buffer.from(cbor.encode(message)));
    };
    const follow = (id: Uuid) => {
      const key = id.toString();
      if (lives.has(key)) return;
      lives.add(key);
      void (async () => {
        for await (const message of rpc.liveQuery(id)) {
          if (!lives.has(key)) break;
          const frame =
            message.action === 'KILLED'
              ? { id: message.queryId, action: 'KILLED' }
              : { id: message.queryId, action: message.action, record: message.recordId, result: message.value };
          send({ result: frame });
        }
      })();
    };
    socket.on('message', (data: Buffer) => {
      void (async () => {
        if (dropping) return;
        let request: WireRequest;
        try {
          request = cbor.decode(new Uint8Array(data)) as WireRequest;
        } catch {
          return;
        }
        try {
          const { id, ...call } = request;
          const result = await rpc.send(call as never);
          for (const uuid of liveIdsIn(result)) follow(uuid);
          if (request.method === 'kill') lives.delete(String(request.params?.[0]));
          send({ id, result });
        } catch (error) {
          const err = error as { code?: number; message?: string };
          send({ id: request.id, error: { code: typeof err.code === 'number' ? err.code : -32000, message: String(err.message ?? error) } });
        }
      })();
    });
    socket.on('close', () => {
      for (const id of lives) void rpc.send({ method: 'kill', params: [new Uuid(id)] } as never).catch(() => undefined);
      lives.clear();
    });
  });
  await new Promise<void>((resolve) => server.once('listening', () => resolve()));
  const { port } = server.address() as AddressInfo;
  return {
    url: `ws://127.0.0.1:${port}`,
    db,
    stopAnswering: () => {
      dropping = true;
    },
    answerAgain: () => {
      dropping = false;
    },
    dropConnections: () => {
      for (const client of server.clients) client.terminate();
    },
    close: async () => {
      for (const client of server.clients) client.terminate();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      // Let requests and live-query loops of the closed sockets settle before the engine is
      // freed: closing it under them once made the native engine panic (an unwrap on None).
      await new Promise((resolve) => setTimeout(resolve, 200));
      await db.close();
    },
  };
}

/** Live query ids in a `live` result (a Uuid) or a `query` result (LIVE SELECT statements). */
function liveIdsIn(result: unknown): Uuid[] {
  if (result instanceof Uuid) return [result];
  if (!Array.isArray(result)) return [];
  return result.flatMap((item) => (item instanceof Uuid ? [item] : (item as { result?: unknown })?.result instanceof Uuid ? [(item as { result: Uuid }).result] : []));
}
