// Reads backends from SPKY_JOB_CONFIG, the JSON array Sp00ky hands to the runner it starts;
// validates with zod and maps its snake_case keys onto BackendConfig.
import path from 'node:path';
import { z } from 'zod';
import { ConfigError } from '../core/errors.js';
import type { BackendConfig } from '../core/interfaces.js';
import { collectSecrets, parseWith } from './configErrors.js';
import { checkPathPolicy, checkUnique, finishBackend } from './normaliseBackends.js';

const ENV_KEYS = { spec: 'spec', allowedPaths: 'allowed_paths', allowAnyPath: 'allow_any_path' } as const;
import {
  CONFIG_DEFAULTS,
  allowedPathsField,
  baseUrlField,
  bool,
  checkBackoff,
  nameField,
  nonNegativeInt,
  limitsFields,
  positiveInt,
  tableField,
  timeoutSecondsField,
} from './schema.js';

const envBackend = z
  .object(
    {
      name: nameField,
      table: tableField.default(CONFIG_DEFAULTS.table),
      base_url: baseUrlField('add "base_url": "http://localhost:3660" to this entry'),
      // Sp00ky may send "" or null when a backend has no auth.
      auth_token: z.string({ error: 'expected auth_token as a string (never printed)' }).nullish(),
      timeout: timeoutSecondsField('timeout in seconds').nullish(),
      timeout_overridable: bool('timeout_overridable').nullish(),
      concurrency: positiveInt('concurrency').nullish(),
      max_retries_limit: nonNegativeInt('max_retries_limit').nullish(),
      backoff_base_ms: nonNegativeInt('backoff_base_ms').nullish(),
      backoff_max_ms: nonNegativeInt('backoff_max_ms').nullish(),
      spec: z.string({ error: 'expected spec as a path string' }).min(1).nullish(),
      limits: z
        .object(
          {
            payload_bytes: limitsFields.payloadBytes.nullish(),
            delay: limitsFields.delay.nullish(),
            timeout: limitsFields.timeout.nullish(),
          },
          { error: 'expected limits: {"payload_bytes": 1048576, "delay": "365d", "timeout": "1h"}' },
        )
        .strict()
        .nullish(),
      allowed_paths: allowedPathsField.nullish(),
      allow_any_path: bool('allow_any_path').nullish(),
    },
    { error: 'expected an object {name, table, base_url, auth_token, timeout, timeout_overridable}' },
  )
  .loose()
  .superRefine((b, ctx) =>
    checkBackoff(
      b.backoff_base_ms ?? CONFIG_DEFAULTS.backoffBaseMs,
      b.backoff_max_ms ?? CONFIG_DEFAULTS.backoffMaxMs,
      ctx,
      ['backoff_max_ms'],
    ),
  );

const envBackends = z.array(envBackend, {
  error: 'expected a JSON array like [{"name":"api","table":"job","base_url":"http://localhost:3660"}]',
});

export function readJobConfigEnv(text: string, cwd: string): { backends: BackendConfig[]; secrets: string[] } {
  const source = 'SPKY_JOB_CONFIG';
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (error) {
    // V8's message quotes the input (which holds tokens): keep only the position.
    const position = /position (\d+)/.exec((error as Error).message)?.[1];
    throw new ConfigError(
      source,
      '',
      `invalid JSON${position ? ` near position ${position}` : ''}: expected an array like [{"name":"api","table":"job","base_url":"http://localhost:3660","auth_token":"...","timeout":10,"timeout_overridable":false}]`,
    );
  }
  const secrets = collectSecrets(raw);
  const entries = parseWith(envBackends, raw, source, [], secrets);
  const backends = entries.map((e) =>
    finishBackend({
      name: e.name,
      table: e.table,
      baseUrl: e.base_url,
      ...(e.auth_token ? { authToken: e.auth_token } : {}),
      timeoutSeconds: e.timeout ?? CONFIG_DEFAULTS.timeoutSeconds,
      timeoutOverridable: e.timeout_overridable ?? CONFIG_DEFAULTS.timeoutOverridable,
      ...(e.spec ? { specPath: path.resolve(cwd, e.spec) } : {}),
      ...(e.allowed_paths ? { allowedPaths: e.allowed_paths } : {}),
      ...(e.allow_any_path ? { allowAnyPath: true } : {}),
      concurrency: e.concurrency ?? CONFIG_DEFAULTS.concurrency,
      maxRetriesLimit: e.max_retries_limit ?? CONFIG_DEFAULTS.maxRetriesLimit,
      backoffBaseMs: e.backoff_base_ms ?? CONFIG_DEFAULTS.backoffBaseMs,
      backoffMaxMs: e.backoff_max_ms ?? CONFIG_DEFAULTS.backoffMaxMs,
      limits: {
        payloadBytes: e.limits?.payload_bytes ?? undefined,
        delayMs: e.limits?.delay ?? undefined,
        timeoutSeconds: e.limits?.timeout ?? undefined,
      },
    }),
  );
  checkUnique(backends, source, (i, field) => `[${i}].${field}`, secrets);
  checkPathPolicy(backends, source, (i, field) => `[${i}].${ENV_KEYS[field]}`, secrets);
  return { backends, secrets };
}
