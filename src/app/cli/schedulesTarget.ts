// Which Temporal (and config) a `schedules` command uses: --temporal-address / TEMPORAL_ADDRESS
// with sp00ky.yml (--config / SPKY_CONFIG), else the local dev instance's (from dev.json).
import { existsSync } from 'node:fs';
import { ConfigError } from '../../core/errors.js';
import { loadConfig } from '../../config/loadConfig.js';
import { BackendRegistry } from '../../config/backendRegistry.js';
import { connectTemporalClient } from '../../adapters/temporal/connectTemporal.js';
import { SchedulesClient } from '../schedulesClient.js';
import { connectionOverrides, type ConnectionOptions } from './args.js';
import { devFilePath, readDevFile } from './devFile.js';

export interface SchedulesTargetOptions extends ConnectionOptions {
  dataDir: string;
}

export async function openSchedules(
  options: SchedulesTargetOptions,
  env: NodeJS.ProcessEnv = process.env,
): Promise<{ schedules: SchedulesClient; close(): Promise<void> }> {
  const overrides = connectionOverrides(options);
  let configPath = options.config;
  const explicitTemporal = Boolean(options.temporalAddress ?? (env.TEMPORAL_ADDRESS || undefined));
  if (!explicitTemporal && existsSync(devFilePath(options.dataDir))) {
    const dev = await readDevFile(options.dataDir);
    overrides.temporal = { address: dev.temporalAddress, namespace: dev.temporalNamespace, ...overrides.temporal };
    configPath ??= dev.configPath;
  }
  const config = await loadConfig({ configPath, env, overrides }).catch((error: unknown) => {
    if (!(error instanceof ConfigError && error.expected.startsWith('no backend configured'))) throw error;
    // list, pause, resume, trigger and delete need no backend; create says what it needs.
    return loadConfig({ env, overrides: { ...overrides, backends: [{ name: 'unconfigured', baseUrl: 'http://127.0.0.1:9', specPath: undefined, allowAnyPath: true }] } });
  });
  const registry = await BackendRegistry.load(config);
  const temporal = await connectTemporalClient(config.temporal);
  return {
    schedules: new SchedulesClient({ client: temporal.client, config, registry }),
    close: () => temporal.connection.close(),
  };
}
