// The runner's config: the loaded RunnerConfig it was given, a config object to check, or sp00ky.yml.
import type { RunnerConfig } from '../../core/interfaces.js';
import { loadConfig, configFromObject, type ConfigObject } from '../../config/loadConfig.js';
import type { RunnerOptions } from './runnerTypes.js';

export async function resolveConfig(options: Pick<RunnerOptions, 'config' | 'configPath'>): Promise<RunnerConfig> {
  if (options.config && 'source' in options.config && Array.isArray(options.config.backends) && isRunnerConfig(options.config)) {
    return options.config;
  }
  if (options.config) return configFromObject(options.config);
  return loadConfig({ configPath: options.configPath });
}

function isRunnerConfig(value: ConfigObject | RunnerConfig): value is RunnerConfig {
  const v = value as RunnerConfig;
  return typeof v.surreal?.url === 'string' && typeof v.temporal?.address === 'string' && typeof v.source === 'string';
}
