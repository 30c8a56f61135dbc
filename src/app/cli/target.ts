// Which JobsBackend a `jobs` command talks to: SurrealDB directly when --url / SURREAL_URL is
// given, else the dev instance recorded in <dataDir>/dev.json.
import { ConfigError } from '../../core/errors.js';
import { connectionOverrides, type ConnectionOptions } from './args.js';
import { RemoteJobs } from './remoteJobs.js';
import { devFilePath, readDevFile } from './devFile.js';
import type { JobsBackend } from './jobsBackend.js';
import { displayPath } from './output.js';

export const DEFAULT_TEMPORAL_UI = 'http://127.0.0.1:8233';

export interface TargetOptions extends ConnectionOptions {
  dataDir: string;
  temporalUi?: string;
}

export function usesDatabaseDirectly(options: TargetOptions, env: NodeJS.ProcessEnv = process.env): boolean {
  return Boolean(options.url ?? (env.SURREAL_URL || undefined));
}

export async function openJobsBackend(options: TargetOptions, env: NodeJS.ProcessEnv = process.env): Promise<JobsBackend> {
  if (usesDatabaseDirectly(options, env)) {
    // Loaded on use: SurrealDB's engines and the Temporal client are slow to import.
    const [{ loadConfig }, { DirectJobs }] = await Promise.all([import('../../config/loadConfig.js'), import('./directJobs.js')]);
    const overrides = connectionOverrides(options);
    const temporalUiUrl = options.temporalUi ?? (env.TEMPORAL_UI_URL || DEFAULT_TEMPORAL_UI);
    try {
      const config = await loadConfig({ configPath: options.config, env, overrides });
      return await DirectJobs.open(config, { temporalUiUrl });
    } catch (error) {
      if (!isNoBackendConfigured(error)) throw error;
      // Like `spky jobs`: without a config, watch and manage the default `job` table.
      // Enqueue and retry need the backend's definition, so they say so.
      const config = await loadConfig({
        env,
        overrides: { ...overrides, backends: [{ name: 'unconfigured', table: 'job', baseUrl: 'http://127.0.0.1:9', allowAnyPath: true }] },
      });
      return DirectJobs.open(config, {
        temporalUiUrl,
        withoutBackends: 'no backend configured: pass --config <sp00ky.yml> (or set SPKY_CONFIG / SPKY_JOB_CONFIG)',
      });
    }
  }
  const dev = await readDevFile(options.dataDir);
  return new RemoteJobs(dev, displayPath(devFilePath(options.dataDir)));
}

/** The Temporal Web UI base: --temporal-ui, else what the backend knows (dev.json), else TEMPORAL_UI_URL, else the default. */
export function temporalUiBase(options: { temporalUi?: string }, known: string | undefined, env: NodeJS.ProcessEnv = process.env): string {
  return options.temporalUi ?? known ?? (env.TEMPORAL_UI_URL || DEFAULT_TEMPORAL_UI);
}

function isNoBackendConfigured(error: unknown): boolean {
  return error instanceof ConfigError && error.expected.startsWith('no backend configured');
}
