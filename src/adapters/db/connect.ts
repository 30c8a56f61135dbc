// Opens a SurrealDB connection: the embedded engine for mem:// and surrealkv://,
// the SDK's remote engines (with reconnect) for ws://, wss://, http:// and https://.
// The user signs in at root, namespace or database level; a wss:// server's certificate may be
// checked against a CA of its own (the `ws` package takes `ca` per connection).
import { readFileSync } from 'node:fs';
import WebSocket from 'ws';
import { Surreal, createRemoteEngines, type SystemAuth } from 'surrealdb';
import { createNodeEngines } from '@surrealdb/node';
import type { SurrealConnectionConfig } from '../../core/interfaces.js';
import { ConfigError, CredentialsRefusedError, TlsHandshakeError, UnreachableError } from '../../core/errors.js';
import { probeTcp } from '../network/probeTcp.js';
import { probeTls, type TlsProbeOutcome } from '../network/probeTls.js';
import { fixLiveNotifications } from './fixLiveNotifications.js';

const EMBEDDED_SCHEMES = ['mem:', 'surrealkv:', 'surrealkv+versioned:', 'rocksdb:'];

export const DEFAULT_CONNECT_TIMEOUT_MS = 10_000;

export function isEmbeddedUrl(url: string): boolean {
  return EMBEDDED_SCHEMES.some((scheme) => url.startsWith(scheme));
}

/** Shows a URL without credentials, for messages and logs. */
export function redactUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password || parsed.username) {
      parsed.username = '';
      parsed.password = '';
    }
    return parsed.toString();
  } catch {
    return url;
  }
}

/**
 * Opens and authenticates a connection. A remote server that refuses or does not answer
 * fails within `timeoutMs` with one clear error (the SDK alone would retry forever).
 */
export async function openSurreal(
  config: SurrealConnectionConfig,
  options: { timeoutMs?: number } = {},
): Promise<Surreal> {
  const timeoutMs = options.timeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS;
  const refused = await probeRemote(config.url, timeoutMs);
  if (refused) throw unreachable(config, refused);
  const ca = readCa(config);
  await assertSurrealTls(config, ca, Math.min(timeoutMs, 5_000));
  await fixLiveNotifications();
  const db = new Surreal({
    engines: { ...createRemoteEngines(), ...createNodeEngines() },
    // Node 20 has no global WebSocket; and only `ws` takes a CA per connection.
    ...(ca ? { websocketImpl: webSocketTrusting(ca) } : globalThis.WebSocket ? {} : { websocketImpl: WebSocket as unknown as typeof globalThis.WebSocket }),
  });
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(unreachable(config, `no answer within ${Math.round(timeoutMs / 1000)} s`)), timeoutMs);
  });
  try {
    await Promise.race([connectSurreal(db, config), timeout]);
    return db;
  } catch (error) {
    await db.close().catch(() => undefined);
    throw error;
  } finally {
    clearTimeout(timer);
  }
}

/** (Re)connects an instance. */
export async function connectSurreal(db: Surreal, config: SurrealConnectionConfig): Promise<void> {
  const embedded = isEmbeddedUrl(config.url);
  try {
    await db.connect(config.url, {
      namespace: config.namespace,
      database: config.database,
      // The SDK restarts live queries after it reconnects; the bridge catches up on top of that.
      reconnect: embedded ? false : { enabled: true, attempts: -1, retryDelay: 500, retryDelayMax: 10_000 },
      // Given to connect(), the SDK signs in again after each reconnect.
      authentication: embedded ? undefined : surrealSignin(config),
    });
    await db.use({ namespace: config.namespace, database: config.database });
  } catch (cause) {
    if (isSigninRefused(cause)) throw signinRefused(config, cause);
    throw unreachable(config, (cause as Error).message, cause);
  }
  // The embedded engine lets an unauthenticated session do anything, and Sp00ky's sp00ky.yml
  // carries its server's root user: sign in there only when the level is set explicitly.
  if (embedded && config.authLevel) await signInSurreal(db, config);
}

/** The SDK's signin for the configured user and level, or undefined without credentials. */
export function surrealSignin(config: SurrealConnectionConfig): SystemAuth | undefined {
  const { username, password } = config;
  if (!username || !password) return undefined;
  switch (config.authLevel ?? 'root') {
    case 'root':
      return { username, password };
    case 'namespace':
      return { namespace: config.namespace, username, password };
    case 'database':
      return { namespace: config.namespace, database: config.database, username, password };
  }
}

/** Signs `db` in as the configured user; a refusal is one line naming level and user (never the password). */
export async function signInSurreal(db: Surreal, config: SurrealConnectionConfig): Promise<void> {
  const auth = surrealSignin(config);
  if (!auth) {
    throw new ConfigError('surreal', 'username/password', `SURREAL_AUTH_LEVEL is ${config.authLevel ?? 'root'}, so a user is expected: set SURREAL_USER and SURREAL_PASS`);
  }
  try {
    await db.signin(auth);
  } catch (cause) {
    throw isSigninRefused(cause) ? signinRefused(config, cause) : cause;
  }
}

function isSigninRefused(error: unknown): boolean {
  const e = error as { kind?: unknown; isInvalidAuth?: unknown; message?: unknown };
  return e?.isInvalidAuth === true || /problem with authentication|invalid (auth|credentials)|authentication failed/i.test(String(e?.message ?? ''));
}

function signinRefused(config: SurrealConnectionConfig, cause: unknown): CredentialsRefusedError {
  const level = config.authLevel ?? 'root';
  const scope =
    level === 'root' ? 'a root (system) user' : level === 'namespace' ? `a user of namespace ${config.namespace}` : `a user of database ${config.namespace}/${config.database}`;
  const define =
    level === 'root' ? 'ON ROOT' : level === 'namespace' ? `ON NAMESPACE (in namespace ${config.namespace})` : `ON DATABASE (in ${config.namespace}/${config.database})`;
  return new CredentialsRefusedError(
    'SurrealDB',
    `SurrealDB at ${redactUrl(config.url)} refused the signin of user ${config.username ?? ''} as ${scope} (auth level ${level}): ` +
      `check SURREAL_USER and SURREAL_PASS, and that the user is defined with DEFINE USER ... ${define}; ` +
      'if it is defined at another level, set SURREAL_AUTH_LEVEL to root, namespace or database',
    { cause },
  );
}

function readCa(config: SurrealConnectionConfig): Buffer | undefined {
  if (!config.caFile) return undefined;
  try {
    return readFileSync(config.caFile);
  } catch (error) {
    throw new ConfigError(
      'surreal',
      'caFile (SURREAL_CA_PATH)',
      `cannot read ${config.caFile} (${(error as NodeJS.ErrnoException).code ?? 'read error'}): expected a readable PEM file of the CA of the wss:// server`,
    );
  }
}

/** The `ws` WebSocket, verifying the server against `ca` (the SDK constructs it with url and protocol only). */
function webSocketTrusting(ca: Buffer): typeof globalThis.WebSocket {
  class TrustingWebSocket extends WebSocket {
    constructor(url: string | URL, protocols?: string | string[]) {
      super(url, protocols, { ca });
    }
  }
  return TrustingWebSocket as unknown as typeof globalThis.WebSocket;
}

/**
 * For wss:// and https://: a TLS handshake as the SDK will make it, so an untrusted certificate
 * fails now with what to set instead of a reconnect loop that ends in a timeout.
 */
async function assertSurrealTls(config: SurrealConnectionConfig, ca: Buffer | undefined, timeoutMs: number): Promise<void> {
  let url: URL;
  try {
    url = new URL(config.url);
  } catch {
    return;
  }
  if (url.protocol !== 'wss:' && url.protocol !== 'https:') return;
  const host = url.hostname.replace(/^\[(.*)\]$/, '$1');
  const outcome = await probeTls({
    host,
    port: Number(url.port) || 443,
    ...(ca ? { ca } : {}),
    hello: Buffer.from(`GET /health HTTP/1.1\r\nHost: ${url.host}\r\nConnection: close\r\n\r\n`, 'latin1'),
    timeoutMs,
  });
  if (outcome.kind !== 'ok') throw surrealTlsRefusal(config, outcome, url.protocol === 'wss:');
}

function surrealTlsRefusal(config: SurrealConnectionConfig, outcome: Exclude<TlsProbeOutcome, { kind: 'ok' }>, websocket: boolean): TlsHandshakeError {
  const trust = websocket
    ? 'set SURREAL_CA_PATH (or surreal.caFile) to the PEM file of the CA that signed it, or start the runner with NODE_EXTRA_CA_CERTS=<ca.pem>'
    : 'start the runner with NODE_EXTRA_CA_CERTS=<ca.pem> (the CA that signed it; SURREAL_CA_PATH applies to wss:// only)';
  const fix: Partial<Record<TlsProbeOutcome['kind'], string>> = {
    untrusted: config.caFile
      ? `the server's certificate is not signed by SURREAL_CA_PATH (${config.caFile}) (${outcome.detail}): point it at the CA that signed the server's certificate`
      : `the server's certificate is not signed by a CA this system trusts (${outcome.detail}): ${trust}`,
    expired: `the server's certificate has expired or is not valid yet (${outcome.detail}): renew it on the server`,
    'name-mismatch': `the server's certificate is not valid for this host (${outcome.detail}): use a host name in SURREAL_URL that the certificate lists`,
    'not-tls': `the server does not speak TLS (${outcome.detail}): use ws:// or http:// in SURREAL_URL`,
  };
  return new TlsHandshakeError(
    'SurrealDB',
    redactUrl(config.url),
    `cannot connect to SurrealDB at ${redactUrl(config.url)}: ${fix[outcome.kind] ?? `the TLS handshake failed (${outcome.detail}): check SURREAL_URL and the server's TLS settings`}`,
  );
}

/** For ws/wss/http/https URLs: why a TCP connection to the server fails, or undefined when it opens. */
export async function probeRemote(url: string, timeoutMs: number): Promise<string | undefined> {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return undefined;
  }
  const defaults: Record<string, number> = { 'ws:': 80, 'http:': 80, 'wss:': 443, 'https:': 443 };
  const fallback = defaults[parsed.protocol];
  if (fallback === undefined) return undefined;
  return probeTcp(parsed.hostname.replace(/^\[(.*)\]$/, '$1'), Number(parsed.port) || fallback, timeoutMs);
}

function unreachable(config: SurrealConnectionConfig, why: string, cause?: unknown): UnreachableError {
  return new UnreachableError(
    `cannot connect to SurrealDB at ${redactUrl(config.url)} (namespace ${config.namespace}, database ${config.database}): ` +
      `${why}. Check SURREAL_URL / --url, that the server is running, and the credentials (SURREAL_USER, SURREAL_PASS).`,
    { cause },
  );
}
