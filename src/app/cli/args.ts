// Shared command-line options and value parsers (bad values → commander usage errors, exit 2).
import { checkQueueName, priorityLevel } from '../../core/enqueueOptions.js';
import { InvalidArgumentError, Option, type Command } from 'commander';
import type { ConfigOverrides } from '../../config/loadConfig.js';
import { parseDuration } from '../../core/duration.js';

export interface ConnectionOptions {
  url?: string;
  namespace?: string;
  database?: string;
  username?: string;
  password?: string;
  authLevel?: 'root' | 'namespace' | 'database';
  surrealCa?: string;
  temporalAddress?: string;
  temporalNamespace?: string;
  temporalTls?: boolean;
  temporalTlsCaPath?: string;
  temporalTlsCertPath?: string;
  temporalTlsKeyPath?: string;
  temporalTlsServerName?: string;
  config?: string;
}

/** SurrealDB and Temporal flags (the SURREAL_* and TEMPORAL_* variables are read by loadConfig). */
export function addConnectionOptions(command: Command): Command {
  return command
    .option('--url <url>', 'SurrealDB to use directly, e.g. ws://127.0.0.1:8000 (env SURREAL_URL)')
    .option('--namespace <ns>', 'SurrealDB namespace (env SURREAL_NS, default main)')
    .option('--database <db>', 'SurrealDB database (env SURREAL_DB, default main)')
    .option('--username <user>', 'SurrealDB user (env SURREAL_USER)')
    .option('--password <password>', 'SurrealDB password (env SURREAL_PASS; never printed)')
    .addOption(
      new Option('--auth-level <level>', 'level the SurrealDB user is defined at (env SURREAL_AUTH_LEVEL, default root)').choices([
        'root',
        'namespace',
        'database',
      ]),
    )
    .option('--surreal-ca <file>', 'PEM CA of a wss:// SurrealDB server (env SURREAL_CA_PATH)')
    .option('--temporal-address <host:port>', 'Temporal frontend (env TEMPORAL_ADDRESS, default 127.0.0.1:7233)')
    .option('--temporal-namespace <ns>', 'Temporal namespace (env TEMPORAL_NAMESPACE, default default)')
    .option('--temporal-tls', 'TLS to Temporal with the system CAs (env TEMPORAL_TLS; implied by the options below and TEMPORAL_API_KEY)')
    .option('--temporal-tls-ca-path <file>', "PEM CA of the Temporal server's certificate (env TEMPORAL_TLS_SERVER_CA_CERT_PATH)")
    .option('--temporal-tls-cert-path <file>', 'PEM client certificate for mTLS (env TEMPORAL_TLS_CLIENT_CERT_PATH)')
    .option('--temporal-tls-key-path <file>', 'PEM private key of the client certificate (env TEMPORAL_TLS_CLIENT_KEY_PATH)')
    .option('--temporal-tls-server-name <name>', "name to verify the Temporal server's certificate against (env TEMPORAL_TLS_SERVER_NAME)")
    .option('--config <file>', 'sp00ky.yml with the backend apps (env SPKY_CONFIG; or SPKY_JOB_CONFIG)');
}

export function connectionOverrides(options: ConnectionOptions): ConfigOverrides {
  const surreal = Object.fromEntries(
    Object.entries({
      url: options.url,
      namespace: options.namespace,
      database: options.database,
      username: options.username,
      password: options.password,
      authLevel: options.authLevel,
      caFile: options.surrealCa,
    }).filter(([, value]) => value !== undefined),
  );
  const tlsFiles = definedOnly({
    caFile: options.temporalTlsCaPath,
    certFile: options.temporalTlsCertPath,
    keyFile: options.temporalTlsKeyPath,
    serverName: options.temporalTlsServerName,
  });
  // A flag wins over the environment field by field: TEMPORAL_TLS_* still fill what no flag sets.
  const tls = Object.keys(tlsFiles).length > 0 ? tlsFiles : options.temporalTls ? true : undefined;
  const temporal = definedOnly({ address: options.temporalAddress, namespace: options.temporalNamespace, tls });
  return {
    ...(Object.keys(surreal).length ? { surreal } : {}),
    ...(Object.keys(temporal).length ? { temporal } : {}),
  };
}

function definedOnly<T extends Record<string, unknown>>(values: T): Partial<T> {
  return Object.fromEntries(Object.entries(values).filter(([, value]) => value !== undefined)) as Partial<T>;
}

export function intArg(what: string, min: number, max = Number.MAX_SAFE_INTEGER) {
  return (value: string): number => {
    if (!/^\d+$/.test(value.trim())) throw new InvalidArgumentError(`expected ${what} as a whole number ≥ ${min}`);
    const n = Number(value);
    if (n < min || n > max) throw new InvalidArgumentError(`expected ${what} between ${min} and ${max}`);
    return n;
  };
}

export function portArg(value: string): number {
  return intArg('a TCP port', 0, 65_535)(value);
}

/** A priority name or level: `high`, `3`. */
export function priorityArg(value: string): string | number {
  const level = /^\d+$/.test(value.trim()) ? Number(value) : value.trim();
  try {
    priorityLevel(level);
  } catch (error) {
    throw new InvalidArgumentError((error as Error).message);
  }
  return level;
}

export function durationArg(value: string): number {
  try {
    return parseDuration(value);
  } catch (error) {
    throw new InvalidArgumentError((error as Error).message);
  }
}

/** A whole number of seconds: `30`, `30s`, `2m`. */
export function secondsArg(value: string): number {
  const ms = /^\d+$/.test(value.trim()) ? Number(value) * 1000 : durationArg(value);
  if (ms % 1000 !== 0 || ms <= 0) throw new InvalidArgumentError('expected a whole number of seconds ≥ 1, e.g. 30 or 2m');
  return ms / 1000;
}

export function statusOption(): Option {
  return new Option('--status <status>', 'only jobs in this status').choices(['pending', 'processing', 'success', 'failed']);
}

/** `default,emails` → ['default', 'emails']; a bad name is a usage error naming what is accepted. */
export function queueList(value: string): string[] {
  const names = value.split(',').map((name) => name.trim()).filter(Boolean);
  if (names.length === 0) throw new InvalidArgumentError('expected one or more queue names, comma-separated (e.g. default,emails)');
  try {
    names.forEach(checkQueueName);
  } catch (error) {
    throw new InvalidArgumentError((error as Error).message);
  }
  return names;
}
