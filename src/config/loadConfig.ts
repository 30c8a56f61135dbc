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
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { parseDocument } from 'yaml';
import { z } from 'zod';
import { ConfigError } from '../errors.js';
import type {
  BackendConfig,
  RunnerConfig,
  SurrealConnectionConfig,
  TemporalConnectionConfig,
} from '../interfaces.js';

export const CONFIG_DEFAULTS = {
  table: 'job',
  timeoutSeconds: 10,
  timeoutOverridable: false,
  concurrency: 10,
  maxRetriesLimit: 100,
  backoffBaseMs: 200,
  backoffMaxMs: 300_000,
  surrealUrl: 'surrealkv://.data/surreal',
  surrealNamespace: 'main',
  surrealDatabase: 'main',
  temporalAddress: '127.0.0.1:7233',
  temporalNamespace: 'default',
} as const;

const TABLE_RE = /^[a-z][a-z0-9_]*$/;
// Backend names end up in task queue names, workflow ids and logs: keep them plain.
const NAME_RE = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,99}$/;

// ---------------------------------------------------------------- field validators

const positiveInt = (what: string) => {
  const error = `expected ${what} as a positive whole number`;
  return z.int({ error }).min(1, { error });
};
const nonNegativeInt = (what: string) => {
  const error = `expected ${what} as a whole number ≥ 0`;
  return z.int({ error }).min(0, { error });
};
const bool = (what: string) => z.boolean({ error: `expected ${what} as true or false` });

const nameField = z
  .string({ error: 'expected a backend name (string)' })
  .regex(NAME_RE, { error: 'expected a backend name of letters, digits, _ . - (e.g. api), at most 100 characters' });

const tableField = z
  .string({ error: 'expected the outbox table name as a string (e.g. job)' })
  .regex(TABLE_RE, { error: 'expected a table name matching ^[a-z][a-z0-9_]*$ (e.g. job)' });

const secretField = (what: string) =>
  z.string({ error: `expected ${what} as a string (never printed)` }).min(1, { error: `expected a non-empty ${what}` });

/** Why a backend base URL is unusable, or undefined. Never echoes the value (it may hold credentials). */
function baseUrlProblem(value: string): string | undefined {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return 'expected an absolute http(s) URL such as http://localhost:3660';
  }
  if (/\s/.test(value)) return 'expected a URL without whitespace';
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return 'expected an http:// or https:// URL';
  if (url.username || url.password) return 'expected a URL without credentials; put the token under auth.token';
  if (value.includes('?') || value.includes('#')) return 'expected a URL without query (?) or fragment (#)';
  return undefined;
}

const baseUrlField = (missingHint: string) =>
  z
    .string({
      error: (issue) =>
        issue.input === undefined
          ? `required: the runner POSTs each job to baseUrl + path; ${missingHint}`
          : 'expected the base URL as a string such as http://localhost:3660',
    })
    .superRefine((value, ctx) => {
      const problem = baseUrlProblem(value);
      if (problem) ctx.addIssue({ code: 'custom', message: problem });
    })
    // Plain concatenation later (baseUrl + path): one trailing slash would double up.
    .transform((value) => (value.endsWith('/') ? value.slice(0, -1) : value));

/** Backoff bounds must be ordered; reported on the max key of the given source. */
function checkBackoff(base: number, max: number, ctx: z.RefinementCtx, maxKey: (string | number)[]): void {
  if (max < base) {
    ctx.addIssue({ code: 'custom', path: maxKey, message: `expected the backoff maximum (${max} ms) ≥ its base (${base} ms)` });
  }
}

// ---------------------------------------------------------------- sp00ky.yml

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
        },
        { error: 'expected method: { type: outbox, table, schema }' },
      )
      .loose()
      .optional(),
    deploy: z
      .object(
        {
          timeout: positiveInt('the HTTP timeout in seconds (e.g. 10)').default(CONFIG_DEFAULTS.timeoutSeconds),
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
        },
        { error: 'expected surrealdb: { namespace, database, username, password, endpoint }' },
      )
      .loose()
      .nullish(),
  }, { error: 'expected a YAML mapping with an `apps:` section' })
  .loose();

type SurrealBlock = NonNullable<z.output<typeof ymlDocument>['surrealdb']>;

// ---------------------------------------------------------------- SPKY_JOB_CONFIG

const envBackend = z
  .object(
    {
      name: nameField,
      table: tableField.default(CONFIG_DEFAULTS.table),
      base_url: baseUrlField('add "base_url": "http://localhost:3660" to this entry'),
      // Sp00ky may send "" or null when a backend has no auth.
      auth_token: z.string({ error: 'expected auth_token as a string (never printed)' }).nullish(),
      timeout: positiveInt('timeout in seconds').nullish(),
      timeout_overridable: bool('timeout_overridable').nullish(),
      concurrency: positiveInt('concurrency').nullish(),
      max_retries_limit: nonNegativeInt('max_retries_limit').nullish(),
      backoff_base_ms: nonNegativeInt('backoff_base_ms').nullish(),
      backoff_max_ms: nonNegativeInt('backoff_max_ms').nullish(),
      spec: z.string({ error: 'expected spec as a path string' }).min(1).nullish(),
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

// ---------------------------------------------------------------- programmatic object

const objectBackend = z
  .object({
    name: nameField,
    table: tableField.default(CONFIG_DEFAULTS.table),
    baseUrl: baseUrlField('set baseUrl, e.g. "http://localhost:3660"'),
    authToken: secretField('authToken').optional(),
    timeoutSeconds: positiveInt('timeoutSeconds').default(CONFIG_DEFAULTS.timeoutSeconds),
    timeoutOverridable: bool('timeoutOverridable').default(CONFIG_DEFAULTS.timeoutOverridable),
    specPath: z.string({ error: 'expected specPath as a path string' }).min(1).optional(),
    concurrency: positiveInt('concurrency').default(CONFIG_DEFAULTS.concurrency),
    maxRetriesLimit: nonNegativeInt('maxRetriesLimit').default(CONFIG_DEFAULTS.maxRetriesLimit),
    backoffBaseMs: nonNegativeInt('backoffBaseMs').default(CONFIG_DEFAULTS.backoffBaseMs),
    backoffMaxMs: nonNegativeInt('backoffMaxMs').default(CONFIG_DEFAULTS.backoffMaxMs),
    taskQueue: z.string({ error: 'expected taskQueue as a string' }).min(1).optional(),
  })
  // Strict: a typo such as `timeout` for `timeoutSeconds` should fail, not be silently ignored.
  .strict()
  .superRefine((b, ctx) => checkBackoff(b.backoffBaseMs, b.backoffMaxMs, ctx, ['backoffMaxMs']));

const surrealOverride = z
  .object({
    url: z.string().min(1).optional(),
    namespace: z.string().min(1).optional(),
    database: z.string().min(1).optional(),
    username: z.string().optional(),
    password: z.string().optional(),
  })
  .strict();

const temporalOverride = z
  .object({ address: z.string().min(1).optional(), namespace: z.string().min(1).optional() })
  .strict();

const configObject = z
  .object({
    backends: z.array(objectBackend, { error: 'expected backends: an array of backend objects' }),
    surreal: surrealOverride.optional(),
    temporal: temporalOverride.optional(),
    source: z.string().optional(),
  })
  .strict();

/** What `configFromObject` accepts for one backend (defaults filled in as for sp00ky.yml). */
export type BackendInput = z.input<typeof objectBackend>;
/** What `configFromObject` accepts. */
export type ConfigObject = z.input<typeof configObject>;

/** Values from code or CLI flags; they win over every other source. `backends` replaces the list. */
export interface ConfigOverrides {
  backends?: BackendInput[];
  surreal?: Partial<SurrealConnectionConfig>;
  temporal?: Partial<TemporalConnectionConfig>;
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

// ---------------------------------------------------------------- errors and secrets

/** String values under secret-looking keys, so they can be redacted from any message. */
function collectSecrets(value: unknown, into: string[] = []): string[] {
  if (Array.isArray(value)) value.forEach((v) => collectSecrets(v, into));
  else if (typeof value === 'object' && value !== null) {
    for (const [key, v] of Object.entries(value)) {
      if (typeof v === 'string' && v.length >= 6 && /token|pass|secret|key/i.test(key)) into.push(v);
      else collectSecrets(v, into);
    }
  }
  return into;
}

function redact(text: string, secrets: readonly string[]): string {
  return secrets.reduce((acc, secret) => acc.split(secret).join('[redacted]'), text);
}

function dotted(parts: readonly PropertyKey[]): string {
  return parts
    .map((p, i) => (typeof p === 'number' ? `[${p}]` : `${i === 0 ? '' : '.'}${String(p)}`))
    .join('');
}

function configError(source: string, key: string, expected: string, secrets: readonly string[]): ConfigError {
  return new ConfigError(redact(source, secrets), redact(key, secrets), redact(expected, secrets));
}

/** Turns the first zod issue into a ConfigError (mentioning how many more there are). */
function fromZod(source: string, prefix: PropertyKey[], error: z.ZodError, secrets: readonly string[]): ConfigError {
  const [first, ...rest] = error.issues;
  if (!first) return configError(source, dotted(prefix), 'invalid value', secrets);
  const key = dotted([...prefix, ...first.path]);
  let expected = first.message;
  if (first.code === 'unrecognized_keys') expected = `unknown key(s) ${first.keys.join(', ')}: remove them or fix their spelling`;
  if (rest.length > 0) {
    const others = rest.slice(0, 3).map((issue) => dotted([...prefix, ...issue.path]) || '(root)');
    expected += ` (also ${rest.length} more problem(s): ${others.join(', ')}${rest.length > 3 ? ', …' : ''})`;
  }
  return configError(source, key, expected, secrets);
}

function parseWith<S extends z.ZodType>(
  schema: S,
  value: unknown,
  source: string,
  prefix: PropertyKey[],
  secrets: readonly string[],
): z.output<S> {
  const result = schema.safeParse(value);
  if (!result.success) throw fromZod(source, prefix, result.error, secrets);
  return result.data;
}

// ---------------------------------------------------------------- normalisation

function finishBackend(b: Omit<BackendConfig, 'taskQueue'> & { taskQueue?: string }): BackendConfig {
  return { ...b, taskQueue: b.taskQueue ?? `spooky-temporal.${b.name}` };
}

/** Each outbox table (and each name) belongs to exactly one backend. */
function checkUnique(
  backends: BackendConfig[],
  source: string,
  keyOf: (index: number, field: 'name' | 'table') => string,
  secrets: readonly string[],
): void {
  for (const field of ['name', 'table'] as const) {
    const seen = new Map<string, number>();
    backends.forEach((backend, index) => {
      const previous = seen.get(backend[field]);
      if (previous !== undefined) {
        throw configError(
          source,
          keyOf(index, field),
          field === 'table'
            ? `table "${backend.table}" is already used by backend "${backends[previous]?.name}": each outbox table belongs to one backend; give each backend its own table`
            : `backend name "${backend.name}" is used twice: give each backend a unique name`,
          secrets,
        );
      }
      seen.set(backend[field], index);
    });
  }
}

type Candidate = { value: string | undefined; source: string; key: string };

/** The first set value, with where it came from (for error messages). */
function pick(defaultValue: string, ...candidates: Candidate[]): Candidate & { value: string } {
  for (const c of candidates) if (c.value !== undefined && c.value !== '') return { ...c, value: c.value };
  return { value: defaultValue, source: 'defaults', key: '' };
}

function resolveSurreal(
  env: NodeJS.ProcessEnv,
  yml: { block: SurrealBlock | undefined; file: string } | undefined,
  override: Partial<SurrealConnectionConfig> | undefined,
  overrideSource: string,
  secrets: readonly string[],
): SurrealConnectionConfig {
  const fromOverride = (value: string | undefined, key: string): Candidate => ({ value, source: overrideSource, key });
  const fromEnv = (name: string): Candidate => ({ value: env[name], source: 'environment', key: name });
  const fromYml = (key: keyof SurrealBlock & string): Candidate => ({
    value: yml?.block?.[key] as string | undefined,
    source: yml?.file ?? '',
    key: `surrealdb.${key}`,
  });
  const url = pick(CONFIG_DEFAULTS.surrealUrl, fromOverride(override?.url, 'surreal.url'), fromEnv('SURREAL_URL'), fromYml('endpoint'));
  if (!/^[a-z][a-z0-9+.-]*:\/\/\S*$/i.test(url.value)) {
    throw configError(
      url.source,
      url.key,
      'expected a SurrealDB URL such as mem://, surrealkv://.data/surreal, ws://127.0.0.1:8000 or http://127.0.0.1:8000',
      secrets,
    );
  }
  const namespace = pick(CONFIG_DEFAULTS.surrealNamespace, fromOverride(override?.namespace, 'surreal.namespace'), fromEnv('SURREAL_NS'), fromYml('namespace'));
  const database = pick(CONFIG_DEFAULTS.surrealDatabase, fromOverride(override?.database, 'surreal.database'), fromEnv('SURREAL_DB'), fromYml('database'));
  const username = pick('', fromOverride(override?.username, 'surreal.username'), fromEnv('SURREAL_USER'), fromYml('username'));
  const password = pick('', fromOverride(override?.password, 'surreal.password'), fromEnv('SURREAL_PASS'), fromYml('password'));
  return {
    url: url.value,
    namespace: namespace.value,
    database: database.value,
    ...(username.value ? { username: username.value } : {}),
    ...(password.value ? { password: password.value } : {}),
  };
}

function resolveTemporal(
  env: NodeJS.ProcessEnv,
  override: Partial<TemporalConnectionConfig> | undefined,
  overrideSource: string,
  secrets: readonly string[],
): TemporalConnectionConfig {
  const address = pick(
    CONFIG_DEFAULTS.temporalAddress,
    { value: override?.address, source: overrideSource, key: 'temporal.address' },
    { value: env.TEMPORAL_ADDRESS, source: 'environment', key: 'TEMPORAL_ADDRESS' },
  );
  // The SDK wants host:port, not a URL.
  if (!/^[^\s/]+:\d{1,5}$/.test(address.value)) {
    throw configError(address.source, address.key, 'expected host:port such as 127.0.0.1:7233 (no http://)', secrets);
  }
  const namespace = pick(
    CONFIG_DEFAULTS.temporalNamespace,
    { value: override?.namespace, source: overrideSource, key: 'temporal.namespace' },
    { value: env.TEMPORAL_NAMESPACE, source: 'environment', key: 'TEMPORAL_NAMESPACE' },
  );
  return { address: address.value, namespace: namespace.value };
}

// ---------------------------------------------------------------- sources

interface YmlResult {
  file: string;
  backends: BackendConfig[];
  surrealdb: SurrealBlock | undefined;
  secrets: string[];
}

async function readYml(file: string): Promise<YmlResult> {
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
        concurrency: a.method?.concurrency ?? CONFIG_DEFAULTS.concurrency,
        maxRetriesLimit: a.method?.maxRetriesLimit ?? CONFIG_DEFAULTS.maxRetriesLimit,
        backoffBaseMs: a.method?.backoff?.baseMs ?? CONFIG_DEFAULTS.backoffBaseMs,
        backoffMaxMs: a.method?.backoff?.maxMs ?? CONFIG_DEFAULTS.backoffMaxMs,
      }),
    );
  }
  const names = backends.map((b) => b.name);
  checkUnique(backends, file, (i, field) => `apps.${names[i]}${field === 'table' ? '.method.table' : ''}`, secrets);
  return { file, backends, surrealdb: parsed.surrealdb ?? undefined, secrets };
}

function readJobConfigEnv(text: string, cwd: string): { backends: BackendConfig[]; secrets: string[] } {
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
      concurrency: e.concurrency ?? CONFIG_DEFAULTS.concurrency,
      maxRetriesLimit: e.max_retries_limit ?? CONFIG_DEFAULTS.maxRetriesLimit,
      backoffBaseMs: e.backoff_base_ms ?? CONFIG_DEFAULTS.backoffBaseMs,
      backoffMaxMs: e.backoff_max_ms ?? CONFIG_DEFAULTS.backoffMaxMs,
    }),
  );
  checkUnique(backends, source, (i, field) => `[${i}].${field}`, secrets);
  return { backends, secrets };
}

function normaliseObjectBackends(
  inputs: unknown,
  source: string,
  prefix: PropertyKey[],
  secrets: readonly string[],
): BackendConfig[] {
  const parsed = parseWith(z.array(objectBackend, { error: 'expected an array of backend objects' }), inputs, source, prefix, secrets);
  const backends = parsed.map((b) =>
    finishBackend({
      name: b.name,
      table: b.table,
      baseUrl: b.baseUrl,
      ...(b.authToken ? { authToken: b.authToken } : {}),
      timeoutSeconds: b.timeoutSeconds,
      timeoutOverridable: b.timeoutOverridable,
      ...(b.specPath ? { specPath: path.resolve(b.specPath) } : {}),
      concurrency: b.concurrency,
      maxRetriesLimit: b.maxRetriesLimit,
      backoffBaseMs: b.backoffBaseMs,
      backoffMaxMs: b.backoffMaxMs,
      ...(b.taskQueue ? { taskQueue: b.taskQueue } : {}),
    }),
  );
  checkUnique(backends, source, (i, field) => `${dotted([...prefix, i])}.${field}`, secrets);
  return backends;
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
  const secrets = [...(yml?.secrets ?? []), ...collectSecrets(overrides), ...collectSecrets({ pass: env.SURREAL_PASS })];

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
    surreal: resolveSurreal(env, yml ? { block: yml.surrealdb, file: yml.file } : undefined, overrides.surreal, 'overrides', secrets),
    temporal: resolveTemporal(env, overrides.temporal, 'overrides', secrets),
    source,
  };
}
