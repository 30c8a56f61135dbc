// Resolves the SurrealDB and Temporal connections, taking each value from the first source
// that sets it (overrides > environment > sp00ky.yml > defaults) and remembering which one for errors.
import type { SurrealConnectionConfig, TemporalConnectionConfig } from '../interfaces.js';
import { configError } from './configErrors.js';
import type { SurrealBlock } from './fromSp00kyYml.js';
import { CONFIG_DEFAULTS } from './schema.js';

type Candidate = { value: string | undefined; source: string; key: string };

/** The first set value, with where it came from (for error messages). */
function pick(defaultValue: string, ...candidates: Candidate[]): Candidate & { value: string } {
  for (const c of candidates) if (c.value !== undefined && c.value !== '') return { ...c, value: c.value };
  return { value: defaultValue, source: 'defaults', key: '' };
}

export function resolveSurreal(
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

export function resolveTemporal(
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
