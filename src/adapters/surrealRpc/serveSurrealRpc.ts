// Serves an embedded SurrealDB engine over SurrealDB's own RPC protocol (WebSocket, CBOR), on
// 127.0.0.1 only, so other processes (the `jobs` commands, an app, SurrealDB's GUI) use the one
// datastore this process opened as they would use a server. Each socket gets engine sessions of
// its own (rpcSessions), must sign in with the run's credential when one is set (rpcDispatch),
// and a browser page may connect only from an allowed origin (upgradeGuard). Live-query
// notifications go to the socket that opened the query.
import { createServer, type IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';
import { Uuid, type LiveMessage } from 'surrealdb';
import type { EmbeddedEngine } from './embeddedEngine.js';
import type { RpcCredential } from './rpcCredential.js';
import { dispatch, type DispatchContext } from './rpcDispatch.js';
import { SocketSessions } from './rpcSessions.js';
import { toWireError, type WireRequest } from './rpcWire.js';
import { upgradeRefusal } from './upgradeGuard.js';
import { LOCAL_HOST, listenLocal } from './listenLocal.js';

export interface SurrealRpcOptions {
  engine: EmbeddedEngine;
  /** Default 0 (a free port). */
  port?: number;
  /** When `port` is taken, listen on a free one instead of failing. */
  fallbackToFreePort?: boolean;
  /** How to choose another port, in the error when `port` is taken. */
  portTakenHint?: string;
  /** Sockets must sign in with it; absent: no signin required (test relays only). */
  credential?: RpcCredential;
  /** Appended to the refusal of a method on a session that has not signed in. */
  signInHint?: string;
  /** Browser origins allowed to connect (default none: only clients that send no Origin). */
  allowedOrigins?: readonly string[];
  /** Told why an upgrade was refused (never with a credential in it). */
  onRefused?: (reason: string) => void;
  /** Fault injection (chaos): when it returns true, the request is dropped without an answer. */
  dropRequest?: () => boolean;
}

export interface SurrealRpcServer {
  /** `ws://127.0.0.1:<port>`: the SDK adds `/rpc`. */
  url: string;
  port: number;
  /** Closes every client connection at once, as a server restart would (the server keeps listening). */
  dropConnections(): void;
  close(): Promise<void>;
}

export async function serveSurrealRpc(options: SurrealRpcOptions): Promise<SurrealRpcServer> {
  const { rpc, cbor } = options.engine;
  const issuedTokens = new Set<string>();
  const settling = new Set<Promise<unknown>>();
  const track = (promise: Promise<unknown>) => {
    settling.add(promise);
    void promise.finally(() => settling.delete(promise));
  };
  let port = 0;

  const server = createServer((_req, res) => {
    res.writeHead(426, { 'content-type': 'text/plain; charset=utf-8', connection: 'close' });
    res.end('SurrealDB RPC over WebSocket only: connect with a SurrealDB SDK to ws://127.0.0.1:<port>/rpc\n');
  });
  const sockets = new WebSocketServer({ noServer: true, handleProtocols: () => 'cbor' });
  server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    const refusal = upgradeRefusal(req, { port, allowedOrigins: options.allowedOrigins ?? [] });
    if (refusal) {
      options.onRefused?.(refusal);
      socket.end(`HTTP/1.1 403 Forbidden\r\ncontent-type: text/plain\r\nconnection: close\r\n\r\n${refusal}\n`);
      return;
    }
    sockets.handleUpgrade(req, socket, head, (ws) => sockets.emit('connection', ws, req));
  });

  sockets.on('connection', (socket: WebSocket) => {
    const sessions = new SocketSessions(rpc, { signedInAtStart: !options.credential });
    const opened = sessions.open();
    track(opened);
    const context: DispatchContext = {
      rpc,
      sessions,
      issuedTokens,
      ...(options.credential ? { credential: options.credential } : {}),
      ...(options.signInHint ? { signInHint: options.signInHint } : {}),
    };
    const lives = new Map<string, AsyncIterator<LiveMessage>>();
    const send = (message: unknown) => {
      if (socket.readyState === socket.OPEN) socket.send(Buffer.from(cbor.encode(message)));
    };
    const follow = (id: Uuid) => {
      const key = id.toString();
      if (lives.has(key)) return;
      const iterator = rpc.liveQuery(id)[Symbol.asyncIterator]();
      lives.set(key, iterator);
      track(forwardNotifications(iterator, send));
    };
    const stopFollowing = (id: unknown) => {
      const key = String(id);
      void lives.get(key)?.return?.();
      lives.delete(key);
    };

    socket.on('message', (data: Buffer) => {
      if (options.dropRequest?.()) return;
      let request: WireRequest;
      try {
        request = cbor.decode(new Uint8Array(data)) as WireRequest;
      } catch {
        return;
      }
      const answered = (async () => {
        try {
          await opened;
          const result = await dispatch(request, context);
          for (const uuid of liveIdsIn(result)) follow(uuid);
          if (request.method === 'kill') stopFollowing(request.params?.[0]);
          send({ id: request.id, result });
        } catch (error) {
          send({ id: request.id, error: toWireError(error) });
        }
      })();
      track(answered);
    });
    socket.on('close', () => {
      for (const key of [...lives.keys()]) stopFollowing(key);
      // Detaching the engine sessions kills their live queries and forgets their auth.
      track(opened.then(() => sessions.close()).catch(() => undefined));
    });
  });

  port = await listenLocal(server, options.port ?? 0, {
    fallbackToFreePort: options.fallbackToFreePort ?? false,
    portTakenHint: options.portTakenHint ?? 'choose another port',
  });
  return {
    url: `ws://${LOCAL_HOST}:${port}`,
    port,
    dropConnections: () => {
      for (const client of sockets.clients) client.terminate();
    },
    close: async () => {
      for (const client of sockets.clients) client.terminate();
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
      // Let requests, live-query loops and detaches of the closed sockets settle before the engine
      // is freed: closing it under them once made the native engine panic (an unwrap on None).
      await Promise.race([Promise.allSettled([...settling]), new Promise((resolve) => setTimeout(resolve, 2_000))]);
      await new Promise((resolve) => setTimeout(resolve, 200));
    },
  };
}

async function forwardNotifications(iterator: AsyncIterator<LiveMessage>, send: (message: unknown) => void): Promise<void> {
  for (;;) {
    const { value: message, done } = await iterator.next();
    if (done) return;
    const frame =
      message.action === 'KILLED'
        ? { id: message.queryId, action: 'KILLED' }
        : { id: message.queryId, action: message.action, record: message.recordId, result: message.value };
    send({ result: frame });
  }
}

/** Live query ids in a `live` result (a Uuid) or a `query` result (LIVE SELECT statements). */
function liveIdsIn(result: unknown): Uuid[] {
  if (result instanceof Uuid) return [result];
  if (!Array.isArray(result)) return [];
  return result.flatMap((item) => (item instanceof Uuid ? [item] : (item as { result?: unknown })?.result instanceof Uuid ? [(item as { result: Uuid }).result] : []));
}
