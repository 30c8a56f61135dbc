// Both Temporal connections a runner needs: the client's (starts, cancels, queries) and the
// worker's native one, plaintext or over TLS/mTLS, with an API key or not. Failure says what
// was tried and how to fix it: a TCP probe, then a TLS handshake probe, then the SDK.
import { Client, Connection } from '@temporalio/client';
import { NativeConnection } from '@temporalio/worker';
import { installQuietRuntime } from './quietRuntime.js';
import { probeTcp, splitHostPort } from '../network/probeTcp.js';
import type { TemporalConnectionConfig } from '../../core/interfaces.js';
import { UnreachableError } from '../../core/errors.js';
import { assertTemporalTls, explainPlaintextFailure, explainTemporalConnectError, temporalSecurityOptions } from './temporalTls.js';
import { temporalDataConverter } from './dataConverter.js';

/** A quick TCP check: a refused or silent port fails fast with a plain reason, not a gRPC retry loop. */
export async function assertTemporalReachable(config: TemporalConnectionConfig, timeoutMs = 3_000): Promise<void> {
  const target = splitHostPort(config.address);
  const refused = target ? await probeTcp(target.host, target.port, timeoutMs) : undefined;
  if (refused) throw unreachable(config, new Error(refused));
}

/** TCP, then (with TLS on) the handshake: each fails fast with its own reason. */
export async function assertTemporalReady(config: TemporalConnectionConfig, timeoutMs = 3_000): Promise<void> {
  await assertTemporalReachable(config, timeoutMs);
  await assertTemporalTls(config, temporalSecurityOptions(config), Math.max(timeoutMs, 5_000));
}

export async function connectTemporalClient(
  config: TemporalConnectionConfig,
  options: { connectTimeoutMs?: number } = {},
): Promise<{ connection: Connection; client: Client }> {
  await assertTemporalReady(config);
  try {
    const connection = await Connection.connect({
      address: config.address,
      ...temporalSecurityOptions(config),
      connectTimeout: options.connectTimeoutMs ?? 10_000,
    });
    return { connection, client: temporalClientFor(connection, config) };
  } catch (cause) {
    throw await connectFailure(config, cause);
  }
}

/** A client on this connection with the config's namespace and data converter (payload codec): build every Client here. */
export function temporalClientFor(connection: Connection, config: TemporalConnectionConfig): Client {
  const dataConverter = temporalDataConverter(config);
  return new Client({ connection, namespace: config.namespace, ...(dataConverter ? { dataConverter } : {}) });
}

export async function connectTemporalWorker(config: TemporalConnectionConfig): Promise<NativeConnection> {
  installQuietRuntime();
  try {
    return await NativeConnection.connect({ address: config.address, ...temporalSecurityOptions(config) });
  } catch (cause) {
    throw await connectFailure(config, cause);
  }
}

/** A lazy client connection (connects on first use; see `assertTemporalReady`). */
export function lazyTemporalConnection(config: TemporalConnectionConfig, connectTimeoutMs = 5_000): Connection {
  return Connection.lazy({ address: config.address, ...temporalSecurityOptions(config), connectTimeout: connectTimeoutMs });
}

/** The clearest error for a failed SDK connect: TLS or credentials when it is about them, else unreachable. */
export async function connectFailure(config: TemporalConnectionConfig, cause: unknown): Promise<Error> {
  return explainTemporalConnectError(config, cause) ?? (await explainPlaintextFailure(config, cause)) ?? unreachable(config, cause);
}

export function unreachable(config: TemporalConnectionConfig, cause: unknown): UnreachableError {
  return new UnreachableError(
    `cannot reach Temporal at ${config.address} (namespace ${config.namespace}): ${(cause as Error).message.split('\n')[0]}. ` +
      'Start a server (temporal server start-dev) or set TEMPORAL_ADDRESS / --temporal-address.',
    { cause },
  );
}
