// What the relay does with one request of one socket: session methods are answered from the
// socket's own session table, everything else goes to the engine on the socket's engine session.
// With a credential, a session must sign in with it before any method that reads or writes data:
// the embedded engine runs without authentication (an anonymous session may do anything), so
// this gate is the lock. Before the signin a session may only answer ping and version, set its
// own variables, and record a `use` (replayed after the signin: `use` creates what it names).
import type { RpcEngine } from 'surrealdb';
import { isCredential, type RpcCredential } from './rpcCredential.js';
import type { EngineSession, SocketSessions } from './rpcSessions.js';
import { authenticationFailed, notSignedIn, type WireRequest } from './rpcWire.js';

/** Tokens live an hour; the oldest are forgotten first, so a long dev session does not grow without end. */
const REMEMBERED_TOKENS = 1_000;

export interface DispatchContext {
  rpc: RpcEngine;
  sessions: SocketSessions;
  /** Absent: no signin required (a test relay). */
  credential?: RpcCredential;
  /** Tokens issued to signins with the credential this run: `authenticate` with one of them signs in too (SDK reconnects). */
  issuedTokens: Set<string>;
  /** Appended to the "needs a signed-in session" refusal, e.g. where the credential is. */
  signInHint?: string;
}

export async function dispatch(request: WireRequest, context: DispatchContext): Promise<unknown> {
  const { rpc, sessions } = context;
  switch (request.method) {
    case 'ping':
    case 'version':
      return rpc.send({ method: request.method, ...(request.params ? { params: request.params } : {}) } as never);
    case 'sessions':
      return sessions.list().map(String);
    case 'attach':
      await sessions.attach(request.session);
      return null;
    case 'detach':
      await sessions.detach(request.session);
      return null;
  }
  const session = sessions.get(request.session);
  if (!context.credential) return forward(rpc, request, session);
  switch (request.method) {
    case 'signin':
      return signIn(request, session, context);
    case 'authenticate':
      return authenticate(request, session, context);
    case 'invalidate':
    case 'reset':
      session.signedIn = false;
      session.pendingUses = [];
      return forward(rpc, request, session);
  }
  if (session.signedIn) return forward(rpc, request, session);
  if (request.method === 'use') {
    session.pendingUses.push(request.params ?? []);
    return {};
  }
  // Variables live in the session only: restoring them before the signin is what SDKs do.
  if (request.method === 'let' || request.method === 'unset') return forward(rpc, request, session);
  throw notSignedIn(request.method, context.signInHint);
}

/** Sends the request to the engine on the socket's engine session (never the engine's default one). */
function forward(rpc: RpcEngine, request: WireRequest, session: EngineSession): Promise<unknown> {
  const { id: _id, session: _session, ...call } = request;
  return rpc.send({ ...call, session: session.id } as never);
}

async function signIn(request: WireRequest, session: EngineSession, context: DispatchContext): Promise<unknown> {
  const credential = context.credential!;
  if (!isCredential(request.params?.[0], credential)) {
    // A signed-in session may switch to another user (the engine checks it); a locked one may not try.
    if (session.signedIn) return forward(context.rpc, request, session);
    throw authenticationFailed();
  }
  const result = await forward(context.rpc, request, session);
  const token = typeof result === 'string' ? result : (result as { access?: unknown } | null)?.access;
  if (typeof token === 'string') remember(context.issuedTokens, token);
  await unlock(session, context);
  return result;
}

async function authenticate(request: WireRequest, session: EngineSession, context: DispatchContext): Promise<unknown> {
  const token = request.params?.[0];
  const issued = typeof token === 'string' && context.issuedTokens.has(token);
  if (!issued && !session.signedIn) throw authenticationFailed();
  const result = await forward(context.rpc, request, session);
  if (issued) await unlock(session, context);
  return result;
}

/** Marks the session signed in and replays its `use` calls; if one fails, the session stays locked. */
async function unlock(session: EngineSession, context: DispatchContext): Promise<void> {
  session.signedIn = true;
  try {
    for (const params of session.pendingUses.splice(0)) {
      await context.rpc.send({ method: 'use', params, session: session.id } as never);
    }
  } catch (error) {
    session.signedIn = false;
    await context.rpc.send({ method: 'invalidate', session: session.id } as never).catch(() => undefined);
    throw error;
  }
}

function remember(tokens: Set<string>, token: string): void {
  tokens.add(token);
  if (tokens.size > REMEMBERED_TOKENS) tokens.delete(tokens.values().next().value!);
}
