// One WebSocket's sessions on the shared engine. Every client session (the default one, and each
// it attaches) gets an engine session of its own, so namespace, database, variables and auth
// never leak between connections: the engine keeps them per session id. Client session ids are
// mapped, never passed through, so one socket cannot name (or list) another socket's sessions.
import { Uuid, type RpcEngine } from 'surrealdb';
import { sessionExists, sessionIdExpected, sessionNotFound } from './rpcWire.js';

export interface EngineSession {
  id: Uuid;
  /** Set by a signin with the served credential (always true when no credential is required). */
  signedIn: boolean;
  /** `use` calls made before the signin, replayed after it: `use` creates the namespace and database. */
  pendingUses: unknown[][];
}

const DEFAULT = '';

export class SocketSessions {
  readonly #rpc: RpcEngine;
  readonly #signedInAtStart: boolean;
  readonly #sessions = new Map<string, EngineSession>();
  /** The client's own ids, as it sent them (Uuid objects), for `sessions`. */
  readonly #clientIds = new Map<string, unknown>();

  constructor(rpc: RpcEngine, options: { signedInAtStart: boolean }) {
    this.#rpc = rpc;
    this.#signedInAtStart = options.signedInAtStart;
  }

  /** Attaches the engine session behind the socket's default session. */
  async open(): Promise<void> {
    this.#sessions.set(DEFAULT, await this.#attach());
  }

  /** The engine session for a request's `session` field (absent: the default session). */
  get(clientSession: unknown): EngineSession {
    const session = this.#sessions.get(keyOf(clientSession));
    if (!session) throw sessionNotFound(clientSession);
    return session;
  }

  async attach(clientSession: unknown): Promise<void> {
    if (clientSession === undefined || clientSession === null) throw sessionIdExpected();
    const key = keyOf(clientSession);
    if (this.#sessions.has(key)) throw sessionExists(clientSession);
    this.#sessions.set(key, await this.#attach());
    this.#clientIds.set(key, clientSession);
  }

  async detach(clientSession: unknown): Promise<void> {
    if (clientSession === undefined || clientSession === null) throw sessionIdExpected();
    const session = this.get(clientSession);
    this.#sessions.delete(keyOf(clientSession));
    this.#clientIds.delete(keyOf(clientSession));
    await this.#detach(session);
  }

  /** The sessions this socket attached (never the engine's list, which holds every socket's). */
  list(): unknown[] {
    return [...this.#clientIds.values()];
  }

  /** Detaches every engine session of the socket (the engine kills their live queries). */
  async close(): Promise<void> {
    const sessions = [...this.#sessions.values()];
    this.#sessions.clear();
    this.#clientIds.clear();
    await Promise.all(sessions.map((session) => this.#detach(session)));
  }

  async #attach(): Promise<EngineSession> {
    const id = Uuid.v4();
    await this.#rpc.send({ method: 'attach', session: id } as never);
    return { id, signedIn: this.#signedInAtStart, pendingUses: [] };
  }

  async #detach(session: EngineSession): Promise<void> {
    await this.#rpc.send({ method: 'detach', session: session.id } as never).catch(() => undefined);
  }
}

function keyOf(clientSession: unknown): string {
  return clientSession === undefined || clientSession === null ? DEFAULT : `s:${String(clientSession)}`;
}
