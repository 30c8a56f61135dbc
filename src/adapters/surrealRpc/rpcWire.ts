// SurrealDB's RPC messages as they cross the WebSocket (CBOR), and the error shapes a SurrealDB
// server answers with, so a client's SDK raises the same error classes as against a server.
import { ServerError } from 'surrealdb';

export interface WireRequest {
  id?: unknown;
  method: string;
  params?: unknown[];
  /** The client's session (a Uuid); absent: the connection's default session. */
  session?: unknown;
  txn?: unknown;
}

export interface WireError {
  code: number;
  message: string;
  kind?: string;
  details?: unknown;
}

/** Thrown by the relay itself: answered to the client as this SurrealDB error. */
export class RpcRefusal extends Error {
  constructor(readonly wire: WireError) {
    super(wire.message);
  }
}

/** A wrong user or password: the words and codes a SurrealDB server uses, nothing about which was wrong. */
export function authenticationFailed(): RpcRefusal {
  return new RpcRefusal({
    code: -32002,
    kind: 'NotAllowed',
    message: 'There was a problem with authentication',
    details: { kind: 'Auth', details: { kind: 'InvalidAuth' } },
  });
}

/** A method that reads or writes data on a session that has not signed in. */
export function notSignedIn(method: string, hint: string | undefined): RpcRefusal {
  return new RpcRefusal({
    code: -32002,
    kind: 'NotAllowed',
    message: `Not enough permissions to perform this action: ${method} needs a signed-in session${hint ? ` (${hint})` : ''}`,
    details: { kind: 'Auth', details: { kind: 'NotAllowed' } },
  });
}

export function sessionNotFound(session: unknown): RpcRefusal {
  return new RpcRefusal({
    code: -32000,
    kind: 'NotFound',
    message: `Session not found: ${String(session)}`,
    details: { kind: 'Session', details: { id: String(session) } },
  });
}

export function sessionExists(session: unknown): RpcRefusal {
  return new RpcRefusal({
    code: -32000,
    kind: 'AlreadyExists',
    message: `Session already exists: ${String(session)}`,
    details: { kind: 'Session', details: { id: String(session) } },
  });
}

export function sessionIdExpected(): RpcRefusal {
  return new RpcRefusal({ code: -32603, kind: 'Validation', message: 'Expected a session ID', details: { kind: 'InvalidParams' } });
}

/** The error to send for a failed request: the engine's own (kind, code, details) or the relay's refusal. */
export function toWireError(error: unknown): WireError {
  if (error instanceof RpcRefusal) return error.wire;
  if (error instanceof ServerError) {
    return { code: error.code, message: error.message, kind: error.kind, ...(error.details !== undefined ? { details: error.details } : {}) };
  }
  const err = error as { code?: unknown; message?: unknown };
  return { code: typeof err?.code === 'number' ? err.code : -32000, message: String(err?.message ?? error) };
}
