// The SurrealDB server of the stack (the real `surreal` binary built from crates.io): the main
// one on ws:// with surrealkv storage and a system (root) user, and a second one on wss:// with
// the stack's self-signed certificate, to check TLS connections.
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { tools } from './layout.js';
import { ManagedProcess } from './managedProcess.js';

export interface SurrealCredentials {
  username: string;
  password: string;
}

/** The root user's password: generated once, kept in .stack/surreal-password (0600). */
export function surrealCredentials(stateDir: string): SurrealCredentials {
  const file = path.join(stateDir, 'surreal-password');
  if (!existsSync(file)) {
    mkdirSync(stateDir, { recursive: true });
    writeFileSync(file, randomBytes(18).toString('base64url'), { mode: 0o600 });
  }
  return { username: 'root', password: readFileSync(file, 'utf8') };
}

export function surrealProcess(options: {
  name: string;
  port: number;
  storage: string;
  logsDir: string;
  credentials: SurrealCredentials;
  tls?: { certFile: string; keyFile: string };
}): ManagedProcess {
  const tlsArgs = options.tls ? ['--web-crt', options.tls.certFile, '--web-key', options.tls.keyFile] : [];
  return new ManagedProcess(
    {
      name: options.name,
      command: tools.surreal,
      args: ['start', '--log', 'warn', '--bind', `127.0.0.1:${options.port}`, ...tlsArgs, options.storage],
      // The password goes through the environment, not argv (argv is world-readable in `ps`).
      env: { SURREAL_USER: options.credentials.username, SURREAL_PASS: options.credentials.password },
      port: options.port,
    },
    options.logsDir,
  );
}
