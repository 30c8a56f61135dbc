// Resolves the SurrealDB and Temporal connections, taking each value from the first source
// that sets it (overrides > environment > sp00ky.yml > defaults) and remembering which one for errors.
// The environment variables of Temporal's TLS are the `temporal` CLI's own.
import type { SurrealConnectionConfig, TemporalConnectionConfig, TemporalTlsConfig } from '../core/interfaces.js';
import { configError } from './configErrors.js';
import type { SurrealBlock } from './fromSp00kyYml.js';
import { CONFIG_DEFAULTS, SURREAL_AUTH_LEVELS, type SurrealInput, type TemporalInput } from './schema.js';
import { checkCertificateFile, checkClientPair, type NamedPath } from './tlsFiles.js';
import { resolveCodecKeys } from './codecKeys.js';

type Candidate = { value: string | undefined; source: string; key: string };

/** The first set value, with where it came from (for error messages). */
function pick(defaultValue: string, ...candidates: Candidate[]): Candidate & { value: string } {
  for (const c of candidates) if (c.value !== undefined && c.value !== '') return { ...c, value: c.value };
  return { value: defaultValue, source: 'defaults', key: '' };
}

export function resolveSurreal(
  env: NodeJS.ProcessEnv,
  yml: { block: SurrealBlock | undefined; file: string } | undefined,
  override: SurrealInput | undefined,
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
  const authLevel = pick('', fromOverride(override?.authLevel, 'surreal.authLevel'), fromEnv('SURREAL_AUTH_LEVEL'), fromYml('authLevel'));
  if (authLevel.value && !(SURREAL_AUTH_LEVELS as readonly string[]).includes(authLevel.value)) {
    throw configError(
      authLevel.source,
      authLevel.key,
      'expected root, namespace or database: the level the SurrealDB user is defined at (DEFINE USER ... ON ROOT | NAMESPACE | DATABASE)',
      secrets,
    );
  }
  const caFile = pick('', fromOverride(override?.caFile, 'surreal.caFile'), fromEnv('SURREAL_CA_PATH'));
  if (caFile.value) checkCertificateFile(caFile, "the CA that signed the SurrealDB server's certificate", secrets);
  return {
    url: url.value,
    namespace: namespace.value,
    database: database.value,
    ...(username.value ? { username: username.value } : {}),
    ...(password.value ? { password: password.value } : {}),
    ...(authLevel.value ? { authLevel: authLevel.value as SurrealConnectionConfig['authLevel'] } : {}),
    ...(caFile.value ? { caFile: caFile.value } : {}),
  };
}

export function resolveTemporal(
  env: NodeJS.ProcessEnv,
  override: TemporalInput | undefined,
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
  const apiKey = pick('', { value: override?.apiKey, source: overrideSource, key: 'temporal.apiKey' }, { value: env.TEMPORAL_API_KEY, source: 'environment', key: 'TEMPORAL_API_KEY' });
  const tls = resolveTemporalTls(env, override?.tls, overrideSource, Boolean(apiKey.value), secrets);
  const codec = resolveCodecKeys(env, override, overrideSource, secrets);
  return {
    address: address.value,
    namespace: namespace.value,
    ...(tls !== undefined ? { tls } : {}),
    ...(apiKey.value ? { apiKey: apiKey.value } : {}),
    ...(codec ? { codec } : {}),
  };
}

/** The `temporal` CLI's variables, and the config object's keys under `temporal.tls`. */
const TLS_KEYS = {
  caFile: 'TEMPORAL_TLS_SERVER_CA_CERT_PATH',
  certFile: 'TEMPORAL_TLS_CLIENT_CERT_PATH',
  keyFile: 'TEMPORAL_TLS_CLIENT_KEY_PATH',
  serverName: 'TEMPORAL_TLS_SERVER_NAME',
} as const;

/**
 * TLS is on when switched on (`tls: true` / TEMPORAL_TLS=true), or when any TLS setting or an API
 * key is given (as the `temporal` CLI does); an explicit false switches it off whatever else is set.
 */
function resolveTemporalTls(
  env: NodeJS.ProcessEnv,
  override: TemporalInput['tls'],
  overrideSource: string,
  hasApiKey: boolean,
  secrets: readonly string[],
): TemporalTlsConfig | false | undefined {
  let enabled: boolean | undefined = typeof override === 'boolean' ? override : typeof override === 'object' ? true : undefined;
  if (enabled === undefined && env.TEMPORAL_TLS !== undefined && env.TEMPORAL_TLS !== '') {
    const text = env.TEMPORAL_TLS.trim().toLowerCase();
    if (!['true', '1', 'false', '0'].includes(text)) {
      throw configError('environment', 'TEMPORAL_TLS', 'expected true or false (TLS to the Temporal server)', secrets);
    }
    enabled = text === 'true' || text === '1';
  }
  if (enabled === false) return false;

  const fields = typeof override === 'object' ? override : {};
  const paths: Partial<Record<keyof TemporalTlsConfig, NamedPath>> = {};
  for (const [field, envName] of Object.entries(TLS_KEYS) as [keyof TemporalTlsConfig, string][]) {
    const chosen = pick(
      '',
      { value: fields[field], source: overrideSource, key: `temporal.tls.${field}` },
      { value: env[envName], source: 'environment', key: envName },
    );
    if (chosen.value) paths[field] = chosen;
  }
  if (enabled === undefined && Object.keys(paths).length === 0 && !hasApiKey) return undefined;

  if (paths.caFile) checkCertificateFile(paths.caFile, "the CA that signed the Temporal server's certificate", secrets);
  const fromEnv = (paths.certFile ?? paths.keyFile)?.source === 'environment';
  checkClientPair(
    paths.certFile,
    paths.keyFile,
    fromEnv ? { cert: TLS_KEYS.certFile, key: TLS_KEYS.keyFile } : { cert: 'temporal.tls.certFile', key: 'temporal.tls.keyFile' },
    secrets,
  );
  return Object.fromEntries(Object.entries(paths).map(([field, named]) => [field, named.value])) as TemporalTlsConfig;
}
