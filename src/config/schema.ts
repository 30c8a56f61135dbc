// Defaults, the zod field validators shared by every config source, and the schema of the
// programmatic config object: one place so sp00ky.yml, SPKY_JOB_CONFIG and code agree on rules.
import { z } from 'zod';
import { parseDuration } from '../core/duration.js';
import { MAX_DELAY_LIMIT_MS, MAX_TIMEOUT_SECONDS } from '../core/jobLimits.js';
import { allowedPathEntryProblem } from '../core/pathTemplate.js';

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
  deployment: 'spooky-temporal',
} as const;

const TABLE_RE = /^[a-z][a-z0-9_]*$/;
// Backend names end up in task queue names, workflow ids and logs: keep them plain.
const NAME_RE = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,99}$/;

// ---------------------------------------------------------------- field validators

export const positiveInt = (what: string) => {
  const error = `expected ${what} as a positive whole number`;
  return z.int({ error }).min(1, { error });
};
export const nonNegativeInt = (what: string) => {
  const error = `expected ${what} as a whole number ≥ 0`;
  return z.int({ error }).min(0, { error });
};
/** An HTTP timeout in seconds; setTimeout cannot count past 2^31-1 ms. */
export const timeoutSecondsField = (what: string) => {
  const error = `expected ${what} as a positive whole number of seconds, at most ${MAX_TIMEOUT_SECONDS.toLocaleString('en-US')} (the longest timer Node can set)`;
  return z.int({ error }).min(1, { error }).max(MAX_TIMEOUT_SECONDS, { error });
};

/**
 * A limit given as a whole number in `unit` (ms for the delay, s for the timeout, as the row's
 * own fields) or a duration string such as `365d`, `1h`, `90m`; the result is in `unit`.
 */
export const durationLimitField = (what: string, unit: 'ms' | 's', min: number, max: number) => {
  const unitMs = unit === 'ms' ? 1 : 1000;
  const error = `expected ${what} as a whole number of ${unit === 'ms' ? 'milliseconds' : 'seconds'} from ${min} to ${max.toLocaleString('en-US')}, or a duration such as ${unit === 'ms' ? '365d' : '1h'}`;
  return z.union([z.number(), z.string()], { error }).transform((value, ctx) => {
    let amount: number;
    try {
      amount = typeof value === 'number' ? value : parseDuration(value) / unitMs;
    } catch {
      amount = Number.NaN;
    }
    if (!Number.isInteger(amount) || amount < min || amount > max) {
      ctx.addIssue({ code: 'custom', message: error });
      return z.NEVER;
    }
    return amount;
  });
};

/** `limits` of one backend, with the units of the config source they come from. */
export const limitsFields = {
  payloadBytes: positiveInt('payloadBytes (the largest payload in bytes of JSON)'),
  delay: durationLimitField('delay (the longest delay a job may ask for)', 'ms', 0, MAX_DELAY_LIMIT_MS),
  timeout: durationLimitField('timeout (the longest per-job timeout)', 's', 1, MAX_TIMEOUT_SECONDS),
};

export const bool = (what: string) => z.boolean({ error: `expected ${what} as true or false` });

export const nameField = z
  .string({ error: 'expected a backend name (string)' })
  .regex(NAME_RE, { error: 'expected a backend name of letters, digits, _ . - (e.g. api), at most 100 characters' });

export const tableField = z
  .string({ error: 'expected the outbox table name as a string (e.g. job)' })
  .regex(TABLE_RE, { error: 'expected a table name matching ^[a-z][a-z0-9_]*$ (e.g. job)' });

export const secretField = (what: string) =>
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

export const baseUrlField = (missingHint: string) =>
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
export function checkBackoff(base: number, max: number, ctx: z.RefinementCtx, maxKey: (string | number)[]): void {
  if (max < base) {
    ctx.addIssue({ code: 'custom', path: maxKey, message: `expected the backoff maximum (${max} ms) ≥ its base (${base} ms)` });
  }
}

/** `allowedPaths`: prefixes (`/hooks/`) or patterns (`/users/{id}`) a spec-less backend accepts. */
export const allowedPathsField = z
  .array(
    z.string({ error: 'expected a path prefix (e.g. /hooks/) or pattern (e.g. /users/{id}) as a string' }).superRefine((entry, ctx) => {
      const problem = allowedPathEntryProblem(entry);
      if (problem) ctx.addIssue({ code: 'custom', message: problem });
    }),
    { error: 'expected a list of path prefixes or patterns, e.g. [/hooks/, /users/{id}]' },
  )
  .min(1, { error: 'expected at least one path prefix or pattern, e.g. [/hooks/]; or allowAnyPath: true' });

/** Named queues a runner serves, e.g. [default, emails]. */
export const queuesField = z
  .array(
    z.string({ error: 'expected a queue name' }).regex(/^[A-Za-z0-9][A-Za-z0-9_.-]{0,99}$/, {
      error: "expected queue names of 1–100 letters, digits, '_', '.' or '-', starting with a letter or digit",
    }),
    { error: 'expected queues: a list of queue names, e.g. [default, emails]' },
  )
  .min(1, { error: 'expected at least one queue name, e.g. [default]' });

// ---------------------------------------------------------------- programmatic object

export const objectBackend = z
  .object({
    name: nameField,
    table: tableField.default(CONFIG_DEFAULTS.table),
    baseUrl: baseUrlField('set baseUrl, e.g. "http://localhost:3660"'),
    authToken: secretField('authToken').optional(),
    timeoutSeconds: timeoutSecondsField('timeoutSeconds').default(CONFIG_DEFAULTS.timeoutSeconds),
    timeoutOverridable: bool('timeoutOverridable').default(CONFIG_DEFAULTS.timeoutOverridable),
    specPath: z.string({ error: 'expected specPath as a path string' }).min(1).optional(),
    allowedPaths: allowedPathsField.optional(),
    allowAnyPath: bool('allowAnyPath').optional(),
    concurrency: positiveInt('concurrency').default(CONFIG_DEFAULTS.concurrency),
    maxRetriesLimit: nonNegativeInt('maxRetriesLimit').default(CONFIG_DEFAULTS.maxRetriesLimit),
    backoffBaseMs: nonNegativeInt('backoffBaseMs').default(CONFIG_DEFAULTS.backoffBaseMs),
    backoffMaxMs: nonNegativeInt('backoffMaxMs').default(CONFIG_DEFAULTS.backoffMaxMs),
    taskQueue: z.string({ error: 'expected taskQueue as a string' }).min(1).optional(),
    limits: z
      .object(
        {
          payloadBytes: limitsFields.payloadBytes.optional(),
          delayMs: nonNegativeInt('delayMs (the longest delay a job may ask for, in ms)')
            .max(MAX_DELAY_LIMIT_MS, { error: `expected delayMs at most ${MAX_DELAY_LIMIT_MS.toLocaleString('en-US')} (100 years)` })
            .optional(),
          timeoutSeconds: timeoutSecondsField('timeoutSeconds (the longest per-job timeout)').optional(),
        },
        { error: 'expected limits: { payloadBytes, delayMs, timeoutSeconds }' },
      )
      .strict()
      .optional(),
  })
  // Strict: a typo such as `timeout` for `timeoutSeconds` should fail, not be silently ignored.
  .strict()
  .superRefine((b, ctx) => checkBackoff(b.backoffBaseMs, b.backoffMaxMs, ctx, ['backoffMaxMs']));

export const SURREAL_AUTH_LEVELS = ['root', 'namespace', 'database'] as const;

export const surrealAuthLevelField = z.enum(SURREAL_AUTH_LEVELS, {
  error: 'expected root, namespace or database: the level the SurrealDB user is defined at (DEFINE USER ... ON ROOT | NAMESPACE | DATABASE)',
});

const filePath = (what: string) => z.string({ error: `expected ${what} as a file path` }).min(1, { error: `expected ${what} as a file path` });

export const surrealOverride = z
  .object({
    url: z.string().min(1).optional(),
    namespace: z.string().min(1).optional(),
    database: z.string().min(1).optional(),
    username: z.string().optional(),
    password: z.string().optional(),
    authLevel: surrealAuthLevelField.optional(),
    caFile: filePath('caFile (the PEM CA of a wss:// server)').optional(),
  })
  .strict();

export const temporalTlsField = z.union(
  [
    z.boolean(),
    z
      .object({
        caFile: filePath('caFile (the PEM CA that signed the Temporal server certificate)').optional(),
        certFile: filePath('certFile (the PEM client certificate)').optional(),
        keyFile: filePath('keyFile (the PEM private key of certFile)').optional(),
        serverName: z.string({ error: 'expected serverName as a host name' }).min(1).optional(),
      })
      .strict(),
  ],
  { error: 'expected tls: true, false, or { caFile, certFile, keyFile, serverName }' },
);

export const temporalOverride = z
  .object({
    address: z.string().min(1).optional(),
    namespace: z.string().min(1).optional(),
    tls: temporalTlsField.optional(),
    apiKey: secretField('apiKey (the Temporal Cloud API key)').optional(),
    codecKeys: secretField('codecKeys (<key id>:<base64 key>, comma-separated, newest last)').optional(),
    codecKeyFile: filePath('codecKeyFile (one <key id>:<base64 key> per line, newest last)').optional(),
  })
  .strict();

/** What the config object (and CLI flags) may say about SurrealDB and Temporal. */
export type SurrealInput = z.input<typeof surrealOverride>;
export type TemporalInput = z.input<typeof temporalOverride>;

export const configObject = z
  .object({
    backends: z.array(objectBackend, { error: 'expected backends: an array of backend objects' }),
    surreal: surrealOverride.optional(),
    temporal: temporalOverride.optional(),
    /** Checked by normaliseSchedules/normaliseRetention once the backends are known. */
    schedules: z.unknown().optional(),
    retention: z.unknown().optional(),
    deployment: z.string({ error: 'expected deployment as a string, e.g. "shop-production"' }).min(1).optional(),
    queues: queuesField.optional(),
    source: z.string().optional(),
  })
  .strict();

/** What `configFromObject` accepts for one backend (defaults filled in as for sp00ky.yml). */
export type BackendInput = z.input<typeof objectBackend>;
/** What `configFromObject` accepts. */
export type ConfigObject = z.input<typeof configObject>;
