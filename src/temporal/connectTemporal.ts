// Both Temporal connections a runner needs: the client's (starts, cancels, queries) and the
// worker's native one. Failure says what was tried and how to fix it.
import { Client, Connection } from '@temporalio/client';
import { NativeConnection } from '@temporalio/worker';
import { installQuietRuntime } from '../runner/createWorkers.js';
import { probeTcp, splitHostPort } from '../probeTcp.js';
import type { TemporalConnectionConfig } from '../interfaces.js';
import { UnreachableError } from '../errors.js';

export async function connectTemporalClient(config: TemporalConnectionConfig): Promise<{ connection: Connection; client: Client }> {
  // A quick TCP check first: a refused port then fails in milliseconds with a plain reason.
  const target = splitHostPort(config.address);
  const refused = target ? await probeTcp(target.host, target.port, 3_000) : undefined;
  if (refused) throw unreachable(config, new Error(refused));
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

function unreachable(config: TemporalConnectionConfig, cause: unknown): UnreachableError {
  return new UnreachableError(
    `cannot reach Temporal at ${config.address} (namespace ${config.namespace}): ${(cause as Error).message.split('\n')[0]}. ` +
      'Start a server (temporal server start-dev) or set TEMPORAL_ADDRESS / --temporal-address.',
    { cause },
  );
}
