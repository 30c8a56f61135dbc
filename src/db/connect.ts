// Opens a SurrealDB connection: the embedded engine for mem:// and surrealkv://,
// the SDK's remote engines (with reconnect) for ws://, wss://, http:// and https://.
import WebSocket from 'ws';
import { Surreal, createRemoteEngines } from 'surrealdb';
import { createNodeEngines } from '@surrealdb/node';
import type { SurrealConnectionConfig } from '../interfaces.js';
import { UnreachableError } from '../errors.js';
import { probeTcp } from '../probeTcp.js';
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
  await fixLiveNotifications();
  const db = new Surreal({
    engines: { ...createRemoteEngines(), ...createNodeEngines() },
    // Node 20 has no global WebSocket.
    ...(globalThis.WebSocket ? {} : { websocketImpl: WebSocket as unknown as typeof globalThis.WebSocket }),
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
      authentication:
        !embedded && config.username && config.password
          ? { username: config.username, password: config.password }
          : undefined,
    });
    await db.use({ namespace: config.namespace, database: config.database });
  } catch (cause) {
    throw unreachable(config, (cause as Error).message, cause);
  }
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
