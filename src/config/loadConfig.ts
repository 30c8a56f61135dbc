// Reads the runner's configuration from sp00ky.yml, SPKY_JOB_CONFIG, the environment and
// code/CLI overrides, validates it with zod and normalises it to RunnerConfig.
//
// Precedence:
// - backends: overrides.backends > SPKY_JOB_CONFIG > sp00ky.yml. SPKY_JOB_CONFIG wins over the
//   file because it is how Sp00ky hands the resolved config to its runner: when it is set, the
//   process was started by a tool that already knows better than a file on disk.
// - SurrealDB: overrides.surreal > SURREAL_* env > sp00ky.yml `surrealdb:` > defaults.
// - Temporal: overrides.temporal > TEMPORAL_* env > defaults.
//
// Every error is a ConfigError naming the file or variable and the dotted key; no message ever
// contains a token or password (we never echo values, and redact known secrets as a safety net).
//
// The work is split by job: schema.ts (defaults, validators), configErrors.ts (messages, redaction),
// fromSp00kyYml.ts, fromEnv.ts (sources), normaliseBackends.ts, resolveConnections.ts; this file composes them.
import { existsSync } from 'node:fs';
import path from 'node:path';
import type { BackendConfig, RetentionConfig, RunnerConfig } from '../core/interfaces.js';
import { collectSecrets, configError, parseWith } from './configErrors.js';
import { readJobConfigEnv } from './fromEnv.js';
import { readYml } from './fromSp00kyYml.js';
import { normaliseObjectBackends } from './normaliseBackends.js';
import { resolveSurreal, resolveTemporal } from './resolveConnections.js';
import {
  CONFIG_DEFAULTS,
  configObject,
  queuesField,
  surrealOverride,
  temporalOverride,
  type BackendInput,
  type ConfigObject,
  type SurrealInput,
  type TemporalInput,
} from './schema.js';
import { normaliseRetention, normaliseSchedules } from './scheduleConfig.js';

export { CONFIG_DEFAULTS, type BackendInput, type ConfigObject } from './schema.js';

/** Values from code or CLI flags; they win over every other source. `backends` replaces the list. */
export interface ConfigOverrides {
  backends?: BackendInput[];
  surreal?: SurrealInput;
  temporal?: TemporalInput;
}

export interface LoadConfigOptions {
  /** sp00ky.yml to read; default `SPKY_CONFIG`, else `./sp00ky.yml` when it exists. */
  configPath?: string;
  /** Environment to read; default `process.env`. */
  env?: NodeJS.ProcessEnv;
  /** Directory relative paths are resolved against; default `process.cwd()`. */
  cwd?: string;
  overrides?: ConfigOverrides;
}

// ---------------------------------------------------------------- public API

/**
 * Builds a RunnerConfig from a plain object (programmatic use), with the same defaults and
 * validation as sp00ky.yml. Reads no file and no environment variable.
 */
export function configFromObject(obj: ConfigObject | unknown, source = 'object'): RunnerConfig {
  const secrets = collectSecrets(obj);
  const parsed = parseWith(configObject, obj, source, [], secrets);
  const backends = normaliseObjectBackends(parsed.backends, source, ['backends'], secrets);
  if (backends.length === 0) {
    throw configError(source, 'backends', 'expected at least one backend, e.g. [{ name: "api", baseUrl: "http://localhost:3660" }]', secrets);
  }
  return {
    backends,
    surreal: resolveSurreal({}, undefined, parsed.surreal, source, secrets),
    temporal: resolveTemporal({}, parsed.temporal, source, secrets),
    schedules: normaliseSchedules(parsed.schedules, backends, source, ['schedules'], secrets),
    ...optionalRetention(normaliseRetention(parsed.retention, source, ['retention'], secrets)),
    deployment: parsed.deployment ?? CONFIG_DEFAULTS.deployment,
    ...(parsed.queues ? { queues: parsed.queues } : {}),
    source,
  };
}

/** Reads sp00ky.yml / SPKY_JOB_CONFIG / environment / overrides into a validated RunnerConfig. */
export async function loadConfig(options: LoadConfigOptions = {}): Promise<RunnerConfig> {
  const env = options.env ?? process.env;
  const cwd = options.cwd ?? process.cwd();
  const overrides = options.overrides ?? {};

  // An explicitly named file must exist; the default ./sp00ky.yml is optional.
  const explicit = options.configPath ?? (env.SPKY_CONFIG || undefined);
  const defaultFile = path.resolve(cwd, 'sp00ky.yml');
  const file = explicit !== undefined ? path.resolve(cwd, explicit) : existsSync(defaultFile) ? defaultFile : undefined;
  const yml = file !== undefined ? await readYml(file) : undefined;
  const secrets = [
    ...(yml?.secrets ?? []),
    ...collectSecrets(overrides),
    ...collectSecrets({ pass: env.SURREAL_PASS, apiKey: env.TEMPORAL_API_KEY, codecKeys: env.SPKY_CODEC_KEYS }),
  ];
  const surrealOverrides = parseWith(surrealOverride.optional(), overrides.surreal, 'overrides', ['surreal'], secrets);
  const temporalOverrides = parseWith(temporalOverride.optional(), overrides.temporal, 'overrides', ['temporal'], secrets);

  let backends: BackendConfig[] = yml?.backends ?? [];
  let source = yml?.file ?? 'defaults';
  const jobConfig = env.SPKY_JOB_CONFIG;
  if (jobConfig !== undefined && jobConfig.trim() !== '') {
    const fromEnv = readJobConfigEnv(jobConfig, cwd);
    secrets.push(...fromEnv.secrets);
    backends = fromEnv.backends;
    source = 'SPKY_JOB_CONFIG';
  }
  if (overrides.backends !== undefined) {
    backends = normaliseObjectBackends(overrides.backends, 'overrides', ['backends'], secrets);
    source = 'overrides';
  }
  if (backends.length === 0) {
    throw configError(
      source === 'defaults' ? 'config' : source,
      '',
      `no backend configured: expected either a sp00ky.yml with at least one app of \`type: backend\` (${
        file ? `read ${file}` : `tried ${defaultFile}`
      }; pass --config <path> or set SPKY_CONFIG), or SPKY_JOB_CONFIG='[{"name":"api","table":"job","base_url":"http://localhost:3660"}]'`,
      secrets,
    );
  }

  return {
    backends,
    surreal: resolveSurreal(env, yml ? { block: yml.surrealdb, file: yml.file } : undefined, surrealOverrides, 'overrides', secrets),
    temporal: resolveTemporal(env, temporalOverrides, 'overrides', secrets),
    schedules: yml ? normaliseSchedules(yml.schedules, backends, yml.file, ['schedules'], secrets) : [],
    ...optionalRetention(yml ? normaliseRetention(yml.retention, yml.file, ['retention'], secrets) : undefined),
    deployment: env.SPKY_DEPLOYMENT || CONFIG_DEFAULTS.deployment,
    ...optionalQueues(yml ? parseWith(queuesField.optional(), yml.queues, yml.file, ['queues'], secrets) : undefined),
    source,
  };
}

function optionalQueues(queues: string[] | undefined): { queues?: string[] } {
  return queues ? { queues } : {};
}

function optionalRetention(retention: RetentionConfig | undefined): { retention?: RetentionConfig } {
  return retention ? { retention } : {};
}
