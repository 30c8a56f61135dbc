// `dev`'s work, loaded only when `dev` runs: runDev plus its SurrealDB endpoint and dev.json.
import { existsSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { parseDocument } from 'yaml';
import { EXAMPLE_CONFIG, enqueueDemoJobs, runDev, type DevInstance } from '../../dev/runDev.js';
import { UsageError } from '../cliErrors.js';
import { removeDevFile, writeDevFile } from '../devFile.js';
import { displayPath } from '../output.js';
import { serveSurrealRpc, type SurrealRpcServer } from '../../../adapters/surrealRpc/serveSurrealRpc.js';
import { defineCredentialUser, newCredential } from '../../../adapters/surrealRpc/rpcCredential.js';
import { parseOrigins } from '../../../adapters/surrealRpc/upgradeGuard.js';
import { ALLOW_ORIGINS_ENV, DEFAULT_SURREAL_PORT } from '../../dev/devEndpointDefaults.js';

export interface DevCommandOptions {
  dataDir: string;
  config?: string;
  demo: boolean;
  once?: boolean;
  surrealPort?: number;
  /** Browser origins allowed to connect to the SurrealDB endpoint (checked by the option parser). */
  allowOrigin?: string[];
  backendPort?: number;
}

export async function runDevCommand(opts: DevCommandOptions, env: NodeJS.ProcessEnv = process.env): Promise<void> {
  const dataDir = path.resolve(opts.dataDir);
  const allowedOrigins = [...(opts.allowOrigin ?? []), ...originsFromEnv(env)];
  let configPath = opts.config;
  if (opts.backendPort !== undefined) {
    if (opts.config) throw new UsageError('--backend-port applies to the example app only: set baseUrl in your sp00ky.yml instead');
    configPath = await exampleConfigOnPort(dataDir, opts.backendPort);
  }
  const dev = await runDev({
    dataDir,
    ...(configPath ? { configPath } : {}),
    ...(opts.backendPort !== undefined ? { exampleBackend: true } : {}),
  });

  let endpoint: SurrealRpcServer | undefined;
  let stopping: Promise<void> | undefined;
  let resolveStopped!: () => void;
  const stopped = new Promise<void>((resolve) => (resolveStopped = resolve));
  const stop = () => {
    stopping ??= (async () => {
      console.log('stopping: draining in-flight calls…');
      await endpoint?.close().catch(() => undefined);
      await removeDevFile(dataDir).catch(() => undefined);
      await dev.stop();
      resolveStopped();
    })();
    return stopping;
  };
  process.on('SIGINT', () => void stop());
  process.on('SIGTERM', () => void stop());

  try {
    endpoint = await serveDatabase(dev, dataDir, opts.surrealPort, allowedOrigins);
  } catch (error) {
    await stop();
    throw error;
  }

  if (opts.demo) {
    const ids = await enqueueDemoJobs(dev);
    if (opts.once) {
      await waitForJobs(dev, ids);
      await stop();
      return stopped;
    }
  }
  console.log('running; press Ctrl-C to stop');
  return stopped;
}

/** Serves the embedded database on 127.0.0.1 with a credential for this run, and writes dev.json. */
async function serveDatabase(dev: DevInstance, dataDir: string, port: number | undefined, allowedOrigins: string[]): Promise<SurrealRpcServer> {
  const { runner, temporal, engine } = dev;
  const credential = newCredential();
  await defineCredentialUser(engine.db, credential);
  const file = displayPath(path.join(dataDir, 'dev.json'));
  const endpoint = await serveSurrealRpc({
    engine,
    credential,
    port: port ?? DEFAULT_SURREAL_PORT,
    fallbackToFreePort: port === undefined,
    portTakenHint: 'pass another one with --surreal-port',
    signInHint: `sign in with the user and password in ${file}`,
    allowedOrigins,
    onRefused: (reason) => console.error(`SurrealDB endpoint: refused a WebSocket: ${reason} (allow a browser origin with --allow-origin <origin>)`),
  });
  const { namespace, database } = runner.config.surreal;
  await writeDevFile(dataDir, {
    version: 2,
    pid: process.pid,
    surrealUrl: endpoint.url,
    surrealNamespace: namespace,
    surrealDatabase: database,
    surrealUser: credential.user,
    surrealPassword: credential.pass,
    storage: runner.config.surreal.url,
    temporalAddress: temporal.address,
    temporalNamespace: runner.config.temporal.namespace,
    ...(temporal.uiUrl ? { temporalUiUrl: temporal.uiUrl } : {}),
    ...(existsSync(runner.config.source) ? { configPath: runner.config.source } : {}),
    startedAt: new Date().toISOString(),
  });
  console.log(
    `SurrealDB endpoint: ${endpoint.url} (${namespace}/${database}; user ${credential.user}, password in ${file}): ` +
      'for `spooky-temporal jobs`, your app or Surrealist',
  );
  return endpoint;
}

function originsFromEnv(env: NodeJS.ProcessEnv): string[] {
  try {
    return parseOrigins(env[ALLOW_ORIGINS_ENV]);
  } catch (error) {
    throw new UsageError(`${ALLOW_ORIGINS_ENV}: ${(error as Error).message}`);
  }
}

async function waitForJobs(dev: DevInstance, ids: string[]): Promise<void> {
  for (;;) {
    const rows = await Promise.all(ids.map((id) => dev.runner.jobs.get(id)));
    if (rows.every((row) => row && (row.status === 'success' || row.status === 'failed'))) break;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  for (const row of await Promise.all(ids.map((id) => dev.runner.jobs.get(id)))) {
    console.log(`${row!.id}  ${row!.path}  ${row!.status}  errors=${JSON.stringify(row!.errors.map((e) => e.code))}`);
  }
}

/** A copy of the example sp00ky.yml whose backend listens on `port` (spec path made absolute). */
async function exampleConfigOnPort(dataDir: string, port: number): Promise<string> {
  const doc = parseDocument(await readFile(EXAMPLE_CONFIG, 'utf8'));
  const spec = doc.getIn(['apps', 'api', 'spec']);
  if (typeof spec === 'string') doc.setIn(['apps', 'api', 'spec'], path.resolve(path.dirname(EXAMPLE_CONFIG), spec));
  doc.setIn(['apps', 'api', 'baseUrl'], `http://127.0.0.1:${port}`);
  await mkdir(dataDir, { recursive: true });
  const file = path.join(dataDir, 'sp00ky.dev.yml');
  await writeFile(file, doc.toString(), { mode: 0o600 });
  return file;
}
