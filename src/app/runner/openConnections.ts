// The runner's SurrealDB connection and Temporal client: the app's own when given (never closed
// here), otherwise opened from the config and closed by close().
import type { Client, Connection } from '@temporalio/client';
import type { Logger } from 'pino';
import type { RunnerConfig } from '../../core/interfaces.js';
import { openSurreal } from '../../adapters/db/connect.js';
import { DbConnection } from '../../adapters/db/dbConnection.js';
import { connectTemporalClient } from '../../adapters/temporal/connectTemporal.js';
import { currentActivitySignal } from '../../orchestration/activities/activitySignal.js';
import type { RunnerOptions } from './runnerTypes.js';
import { PayloadCodecError } from '../../core/errors.js';

export interface RunnerConnections {
  connection: DbConnection;
  client: Client;
  /** Closes the Temporal client's connection if it was opened here, then the database connection. */
  close(): Promise<void>;
}

export async function openConnections(
  options: Pick<RunnerOptions, 'db' | 'openDb' | 'temporalClient' | 'databaseCallTimeoutMs'>,
  config: RunnerConfig,
  logger: Logger,
): Promise<RunnerConnections> {
  if (config.temporal.codec && options.temporalClient && options.temporalClient.options.loadedDataConverter.payloadCodecs.length === 0) {
    // Its workflow inputs would reach Temporal in clear, and its reads could not decrypt the workers' results.
    throw new PayloadCodecError(
      'the Temporal client given to the runner has no payload codec while codec keys are configured: build it with ' +
        'dataConverter: temporalDataConverter(config.temporal), or leave temporalClient out',
    );
  }
  const dbOptions = {
    callTimeoutMs: options.databaseCallTimeoutMs,
    signal: currentActivitySignal,
    onReopenError: (error: unknown) => logger.warn({ err: error }, 'could not reopen the SurrealDB connection after a call timed out; trying again'),
  };
  const connection = options.db
    ? DbConnection.borrow(options.db, dbOptions)
    : await DbConnection.open(options.openDb ?? (() => openSurreal(config.surreal)), dbOptions);

  let ownedClientConnection: Connection | undefined;
  let client = options.temporalClient;
  if (!client) {
    const connected = await connectTemporalClient(config.temporal).catch(async (error: unknown) => {
      await connection.close();
      throw error;
    });
    ownedClientConnection = connected.connection;
    client = connected.client;
  }
  return {
    connection,
    client,
    async close() {
      await ownedClientConnection?.close();
      await connection.close();
    },
  };
}
