// Opens a SurrealDB connection: the embedded engine for mem:// and surrealkv://,
// the SDK's own remote engines (with reconnect) for ws://, wss://, http:// and https://.
import { Surreal } from 'surrealdb';
import { createNodeEngines } from '@surrealdb/node';
import type { SurrealConnectionConfig } from '../interfaces.js';
import { UnreachableError } from '../errors.js';

const EMBEDDED_SCHEMES = ['mem:', 'surrealkv:', 'surrealkv+versioned:', 'rocksdb:'];

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

export async function openSurreal(config: SurrealConnectionConfig): Promise<Surreal> {
  const db = new Surreal({ engines: createNodeEngines() });
  await connectSurreal(db, config);
  return db;
}

/** (Re)connects an instance; also used by the bridge to reopen a dropped connection. */
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
    throw new UnreachableError(
      `cannot connect to SurrealDB at ${redactUrl(config.url)} (namespace ${config.namespace}, database ${config.database}): ` +
        `${(cause as Error).message}. Check SURREAL_URL / --url, that the server is running, and the credentials (SURREAL_USER, SURREAL_PASS).`,
      { cause },
    );
  }
}
