// Both Temporal connections a runner needs: the client's (starts, cancels, queries) and the
// worker's native one. Failure says what was tried and how to fix it.
import { Client, Connection } from '@temporalio/client';
import { NativeConnection } from '@temporalio/worker';
import { installQuietRuntime } from '../runner/createWorkers.js';
import { probeTcp, splitHostPort } from '../probeTcp.js';
import type { TemporalConnectionConfig } from '../interfaces.js';
import { UnreachableError } from '../errors.js';

/** A quick TCP check: a refused or silent port fails fast with a plain reason, not a gRPC retry loop. */
export async function assertTemporalReachable(config: TemporalConnectionConfig, timeoutMs = 3_000): Promise<void> {
  const target = splitHostPort(config.address);
  const refused = target ? await probeTcp(target.host, target.port, timeoutMs) : undefined;
  if (refused) throw unreachable(config, new Error(refused));
}

export async function connectTemporalClient(config: TemporalConnectionConfig): Promise<{ connection: Connection; client: Client }> {
  await assertTemporalReachable(config);
  try {
    const connection = await Connection.connect({ address: config.address, connectTimeout: '10s' });
    return { connection, client: new Client({ connection, namespace: config.namespace }) };
  } catch (cause) {
    throw unreachable(config, cause);
  }
}

export async function connectTemporalWorker(config: TemporalConnectionConfig): Promise<NativeConnection> {
  installQuietRuntime();
  try {
    return await NativeConnection.connect({ address: config.address });
  } catch (cause) {
    throw unreachable(config, cause);
  }
}

export function unreachable(config: TemporalConnectionConfig, cause: unknown): UnreachableError {
  return new UnreachableError(
    `cannot reach Temporal at ${config.address} (namespace ${config.namespace}): ${(cause as Error).message.split('\n')[0]}. ` +
      'Start a server (temporal server start-dev) or set TEMPORAL_ADDRESS / --temporal-address.',
    { cause },
  );
}
