// Which WebSocket upgrades the local SurrealDB endpoint accepts. Browsers let any page open a
// WebSocket to 127.0.0.1 and always send its Origin, so a request with an Origin is refused
// unless that origin was allowed by name (e.g. a GUI served from the web). Clients outside a
// browser (the SDK in Node, the CLI) send none. The Host check refuses DNS rebinding: a page
// whose own name resolves to 127.0.0.1 sends that name as Host.
import type { IncomingMessage } from 'node:http';

export interface UpgradePolicy {
  port: number;
  /** Exact origins (scheme://host[:port]) a browser page may connect from. */
  allowedOrigins: readonly string[];
}

/** Why the upgrade is refused, or undefined when it may go ahead. */
export function upgradeRefusal(request: Pick<IncomingMessage, 'headers'>, policy: UpgradePolicy): string | undefined {
  const host = (request.headers.host ?? '').toLowerCase();
  if (host !== `127.0.0.1:${policy.port}` && host !== `localhost:${policy.port}`) {
    return `Host ${JSON.stringify(request.headers.host ?? '')} is not 127.0.0.1:${policy.port} or localhost:${policy.port}`;
  }
  const origin = request.headers.origin;
  if (origin === undefined) return undefined;
  const allowed = policy.allowedOrigins.map(normalizeOrigin);
  if (!allowed.includes(normalizeOrigin(origin))) return `Origin ${JSON.stringify(origin)} is not allowed`;
  return undefined;
}

/** `https://App.example.com/` → `https://app.example.com` (browsers send it without a path). */
export function normalizeOrigin(origin: string): string {
  return origin.trim().replace(/\/+$/, '').toLowerCase();
}

/** Origins from a comma-separated list (the environment variable), each checked to be scheme://host[:port]. */
export function parseOrigins(list: string | undefined): string[] {
  if (!list) return [];
  return list
    .split(',')
    .map((origin) => origin.trim())
    .filter(Boolean)
    .map(checkOrigin);
}

export function checkOrigin(origin: string): string {
  // Not URL.origin: it is "null" for schemes such as tauri://, which desktop GUIs send.
  if (!/^[a-z][a-z0-9+.-]*:\/\/[^/\s?#]+\/?$/i.test(origin.trim())) {
    throw new Error(`origin ${JSON.stringify(origin)}: expected scheme://host[:port] without a path, e.g. https://app.surrealdb.com`);
  }
  return normalizeOrigin(origin);
}
