// Which SurrealDB and Temporal a `jobs` command uses: the ones given by --url / SURREAL_URL
// (and --temporal-address ...), else the dev instance's, read from <dataDir>/dev.json (its
// SurrealDB endpoint, this run's credential, its Temporal). Either way one client: a JobsClient
// over a SurrealDB connection (DirectJobs), the same code as against a production server.
import path from 'node:path';
import { ConfigError, UnreachableError } from '../../core/errors.js';
import { connectionOverrides, type ConnectionOptions } from './args.js';
import { devFilePath, readDevFile, type DevFile } from './devFile.js';
import type { DirectJobs } from './directJobs.js';
import { displayPath } from './output.js';
import type { ConfigOverrides } from '../../config/loadConfig.js';

export const DEFAULT_TEMPORAL_UI = 'http://127.0.0.1:8233';
const DEV_PROBE_TIMEOUT_MS = 3_000;

export interface TargetOptions extends ConnectionOptions {
  dataDir: string;
  temporalUi?: string;
}

export function usesDatabaseDirectly(options: TargetOptions, env: NodeJS.ProcessEnv = process.env): boolean {
  return Boolean(options.url ?? (env.SURREAL_URL || undefined));
}

export async function openJobsBackend(options: TargetOptions, env: NodeJS.ProcessEnv = process.env): Promise<DirectJobs> {
  if (usesDatabaseDirectly(options, env)) {
    return openDirectJobs(
      { configPath: options.config, env, overrides: connectionOverrides(options) },
      { temporalUiUrl: options.temporalUi ?? (env.TEMPORAL_UI_URL || DEFAULT_TEMPORAL_UI) },
    );
  }
  const dev = await readDevFile(options.dataDir);
  const source = displayPath(devFilePath(options.dataDir));
  await assertDevServing(dev, source);
  // The dev instance's own config, read as `dev` read it (without this shell's variables).
  return openDirectJobs(
    { configPath: dev.configPath, env: {}, overrides: devOverrides(dev) },
    { ...(dev.temporalUiUrl ? { temporalUiUrl: dev.temporalUiUrl } : {}), target: `dev instance (${displayPath(path.resolve(options.dataDir))})` },
  );
}

/** The Temporal Web UI base: --temporal-ui, else what the backend knows (dev.json), else TEMPORAL_UI_URL, else the default. */
export function temporalUiBase(options: { temporalUi?: string }, known: string | undefined, env: NodeJS.ProcessEnv = process.env): string {
  return options.temporalUi ?? known ?? (env.TEMPORAL_UI_URL || DEFAULT_TEMPORAL_UI);
}

/** Connection settings from dev.json: its endpoint with this run's root-level user, its Temporal. */
export function devOverrides(dev: DevFile): ConfigOverrides {
  return {
    surreal: {
      url: dev.surrealUrl,
      namespace: dev.surrealNamespace,
      database: dev.surrealDatabase,
      username: dev.surrealUser,
      password: dev.surrealPassword,
      authLevel: 'root',
    },
    temporal: { address: dev.temporalAddress, namespace: dev.temporalNamespace },
  };
}

async function openDirectJobs(
  load: { configPath: string | undefined; env: NodeJS.ProcessEnv; overrides: ConfigOverrides },
  options: { temporalUiUrl?: string; target?: string },
): Promise<DirectJobs> {
  // Loaded on use: SurrealDB's engines and the Temporal client are slow to import.
  const [{ loadConfig }, { DirectJobs }] = await Promise.all([import('../../config/loadConfig.js'), import('./directJobs.js')]);
  try {
    const config = await loadConfig(load);
    return await DirectJobs.open(config, options);
  } catch (error) {
    if (!isNoBackendConfigured(error)) throw error;
    // Like `spky jobs`: without a config, watch and manage the default `job` table.
    // Enqueue and retry need the backend's definition, so they say so.
    const config = await loadConfig({
      env: load.env,
      overrides: { ...load.overrides, backends: [{ name: 'unconfigured', table: 'job', baseUrl: 'http://127.0.0.1:9', allowAnyPath: true }] },
    });
    return DirectJobs.open(config, {
      ...options,
      withoutBackends: 'no backend configured: pass --config <sp00ky.yml> (or set SPKY_CONFIG / SPKY_JOB_CONFIG)',
    });
  }
}

/** A dev.json left by an instance that is gone: say so, rather than "cannot connect to SurrealDB". */
async function assertDevServing(dev: DevFile, source: string): Promise<void> {
  const { probeRemote } = await import('../../adapters/db/connect.js');
  const refused = await probeRemote(dev.surrealUrl, DEV_PROBE_TIMEOUT_MS);
  if (!refused) return;
  throw new UnreachableError(
    `cannot reach the dev instance at ${dev.surrealUrl} (from ${source}): ${refused}. ` +
      'Is `spooky-temporal dev` (npm start) still running? Start it, or use a database directly with --url / SURREAL_URL',
  );
}

function isNoBackendConfigured(error: unknown): boolean {
  return error instanceof ConfigError && error.expected.startsWith('no backend configured');
}
