// Reads backends (apps of `type: backend`) and the `surrealdb:` block from sp00ky.yml, the
// Sp00ky project file; validates with zod and maps its keys onto BackendConfig.
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { parseDocument } from 'yaml';
import { z } from 'zod';
import { ConfigError } from '../core/errors.js';
import type { BackendConfig } from '../core/interfaces.js';
import { collectSecrets, parseWith } from './configErrors.js';
import { checkPathPolicy, checkUnique, finishBackend } from './normaliseBackends.js';
import {
  CONFIG_DEFAULTS,
  allowedPathsField,
  baseUrlField,
  bool,
  checkBackoff,
  nameField,
  nonNegativeInt,
  positiveInt,
  limitsFields,
  secretField,
  surrealAuthLevelField,
  tableField,
  timeoutSecondsField,
} from './schema.js';

const ymlBackendApp = z
  .object({
    type: z.literal('backend'),
    spec: z.string({ error: 'expected the OpenAPI spec path as a string, relative to sp00ky.yml' }).min(1).optional(),
    hosting: z.enum(['cloud', 'external'], { error: 'expected hosting: cloud or external' }).default('cloud'),
    baseUrl: baseUrlField('add e.g. `baseUrl: http://localhost:3660` to this app'),
    auth: z
      .object(
        {
          type: z.literal('token', { error: 'expected auth.type: token (the only supported auth)' }),
          token: secretField('auth token'),
        },
        { error: 'expected auth: { type: token, token: <secret> }' },
      )
      .loose()
      .optional(),
    method: z
      .object(
        {
          type: z.literal('outbox', { error: 'expected method.type: outbox (the only supported method)' }).default('outbox'),
          table: tableField.default(CONFIG_DEFAULTS.table),
          schema: z.string({ error: 'expected the outbox schema path as a string' }).optional(),
          concurrency: positiveInt('the number of concurrent HTTP calls').optional(),
          allowedPaths: allowedPathsField.optional(),
          allowAnyPath: bool('allowAnyPath').optional(),
          maxRetriesLimit: nonNegativeInt('the largest max_retries a job may ask for').optional(),
          backoff: z
            .object(
              {
                baseMs: nonNegativeInt('the backoff base in milliseconds').default(CONFIG_DEFAULTS.backoffBaseMs),
                maxMs: nonNegativeInt('the longest wait between attempts in milliseconds').default(
                  CONFIG_DEFAULTS.backoffMaxMs,
                ),
              },
              { error: 'expected backoff: { baseMs, maxMs }' },
            )
            .loose()
            .superRefine((b, ctx) => checkBackoff(b.baseMs, b.maxMs, ctx, ['maxMs']))
            .optional(),
          // Ours: what one job may ask for. delay in ms and timeout in s (as the row's fields), or durations.
          limits: z
            .object(
              {
                payloadBytes: limitsFields.payloadBytes.optional(),
                delay: limitsFields.delay.optional(),
                timeout: limitsFields.timeout.optional(),
              },
              { error: 'expected limits: { payloadBytes, delay, timeout }' },
            )
            .strict()
            .optional(),
        },
        { error: 'expected method: { type: outbox, table, schema }' },
      )
      .loose()
      .optional(),
    deploy: z
      .object(
        {
          timeout: timeoutSecondsField('the HTTP timeout in seconds (e.g. 10)').default(CONFIG_DEFAULTS.timeoutSeconds),
          timeoutOverridable: bool('timeoutOverridable').default(CONFIG_DEFAULTS.timeoutOverridable),
        },
        { error: 'expected deploy: { timeout, timeoutOverridable, ... }' },
      )
      .loose()
      .optional(),
  })
  .loose();

const optionalText = (what: string) => z.string({ error: `expected ${what} as a string` }).min(1).optional();

const ymlDocument = z
  .object({
    apps: z
      .record(z.string(), z.unknown(), { error: 'expected apps: a mapping of app names to app definitions' })
      .nullish(),
    surrealdb: z
      .object(
        {
          namespace: optionalText('surrealdb.namespace'),
          database: optionalText('surrealdb.database'),
          username: optionalText('surrealdb.username'),
          password: optionalText('surrealdb.password'),
          endpoint: optionalText('surrealdb.endpoint'),
          // Ours: the level the user is defined at (root when absent).
          authLevel: surrealAuthLevelField.optional(),
        },
        { error: 'expected surrealdb: { namespace, database, username, password, endpoint, authLevel }' },
      )
      .loose()
      .nullish(),
  }, { error: 'expected a YAML mapping with an `apps:` section' })
  .loose();

export type SurrealBlock = NonNullable<z.output<typeof ymlDocument>['surrealdb']>;

export interface YmlResult {
  file: string;
  backends: BackendConfig[];
  surrealdb: SurrealBlock | undefined;
  /** Raw `schedules:` and `retention:` sections, checked once the backends are final. */
  schedules: unknown;
  retention: unknown;
  /** Raw `queues:` (the named queues this runner serves). */
  queues: unknown;
  secrets: string[];
}

export async function readYml(file: string): Promise<YmlResult> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new ConfigError(
      file,
      '',
      code === 'ENOENT'
        ? `config file not found (tried ${file}): pass the right path (--config or SPKY_CONFIG), or configure backends with SPKY_JOB_CONFIG`
        : `could not read the config file (${code ?? 'read error'}): expected a readable sp00ky.yml`,
    );
  }
  const doc = parseDocument(text);
  const yamlError = doc.errors[0];
  // yaml's own messages quote the offending lines (which may hold a token): keep only the summary.
  if (yamlError) {
    const pos = yamlError.linePos?.[0];
    const summary = yamlError.message.split(' at line ')[0]?.split('\n')[0] ?? yamlError.code;
    throw new ConfigError(file, '', `invalid YAML${pos ? ` at line ${pos.line}, column ${pos.col}` : ''} (${summary}): fix the syntax`);
  }
  let raw: unknown;
  try {
    raw = doc.toJS();
  } catch {
    throw new ConfigError(file, '', 'invalid YAML (unresolved alias or tag): fix the syntax');
  }
  const secrets = collectSecrets(raw);
  const parsed = parseWith(ymlDocument, raw ?? {}, file, [], secrets);
  const dir = path.dirname(file);

  const backends: BackendConfig[] = [];
  for (const [name, app] of Object.entries(parsed.apps ?? {})) {
    // Only `type: backend` apps are ours; Sp00ky has other app types (frontends, ...).
    if (typeof app !== 'object' || app === null || (app as { type?: unknown }).type !== 'backend') continue;
    parseWith(nameField, name, file, ['apps', name], secrets);
    const a = parseWith(ymlBackendApp, app, file, ['apps', name], secrets);
    backends.push(
      finishBackend({
        name,
        table: a.method?.table ?? CONFIG_DEFAULTS.table,
        baseUrl: a.baseUrl,
        ...(a.auth ? { authToken: a.auth.token } : {}),
        timeoutSeconds: a.deploy?.timeout ?? CONFIG_DEFAULTS.timeoutSeconds,
        timeoutOverridable: a.deploy?.timeoutOverridable ?? CONFIG_DEFAULTS.timeoutOverridable,
        ...(a.spec ? { specPath: path.resolve(dir, a.spec) } : {}),
        ...(a.method?.allowedPaths ? { allowedPaths: a.method.allowedPaths } : {}),
        ...(a.method?.allowAnyPath ? { allowAnyPath: true } : {}),
        concurrency: a.method?.concurrency ?? CONFIG_DEFAULTS.concurrency,
        maxRetriesLimit: a.method?.maxRetriesLimit ?? CONFIG_DEFAULTS.maxRetriesLimit,
        backoffBaseMs: a.method?.backoff?.baseMs ?? CONFIG_DEFAULTS.backoffBaseMs,
        backoffMaxMs: a.method?.backoff?.maxMs ?? CONFIG_DEFAULTS.backoffMaxMs,
        limits: {
          payloadBytes: a.method?.limits?.payloadBytes,
          delayMs: a.method?.limits?.delay,
          timeoutSeconds: a.method?.limits?.timeout,
        },
      }),
    );
  }
  const names = backends.map((b) => b.name);
  checkUnique(backends, file, (i, field) => `apps.${names[i]}${field === 'table' ? '.method.table' : ''}`, secrets);
  checkPathPolicy(backends, file, (i, field) => `apps.${names[i]}.${field === 'spec' ? 'spec' : `method.${field}`}`, secrets);
  const sections = (raw ?? {}) as { schedules?: unknown; retention?: unknown; queues?: unknown };
  return {
    file,
    backends,
    surrealdb: parsed.surrealdb ?? undefined,
    schedules: sections.schedules,
    retention: sections.retention,
    queues: sections.queues,
    secrets,
  };
}
