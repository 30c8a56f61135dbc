// Brings the production stack up: PostgreSQL, Temporal (mTLS) with its Web UI, SurrealDB on
// ws:// (behind our TCP proxy for the runners) and wss://, and optionally runner processes.
// Every step is bounded; `stop()` takes everything down in reverse order.
import { execFile } from 'node:child_process';
import { chmodSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { RunnerProcess } from '../chaos/processes.js';
import { ROOT, stackLayout, tools, type StackLayout } from './layout.js';
import type { ManagedProcess } from './managedProcess.js';
import { Postgres } from './postgres.js';
import { surrealCredentials, surrealProcess, type SurrealCredentials } from './surrealServer.js';
import { TcpProxy } from './tcpProxy.js';
import { setupTemporal, temporalCliEnv, temporalServerProcess, temporalTls, type TemporalTls } from './temporalServer.js';
import { temporalUiProcess } from './temporalUi.js';
import { waitForPort } from './waitFor.js';

const exec = promisify(execFile);

export interface StackOptions {
  layout?: StackLayout;
  /** Start the Web UI (default true). */
  ui?: boolean;
  log?: (line: string) => void;
}

export interface Stack {
  layout: StackLayout;
  addresses: { postgres: string; temporal: string; ui?: string; surreal: string; surrealTls: string; surrealViaProxy: string };
  tls: TemporalTls;
  surreal: SurrealCredentials & { namespace: string; database: string };
  /** The environment a runner (or `spooky-temporal jobs ...`) needs to reach this stack. */
  runnerEnv: NodeJS.ProcessEnv;
  postgres: Postgres;
  temporal: ManagedProcess;
  ui?: ManagedProcess;
  surrealServer: ManagedProcess;
  surrealTlsServer: ManagedProcess;
  proxy: TcpProxy;
  stop(): Promise<void>;
}

export async function startStack(options: StackOptions = {}): Promise<Stack> {
  const layout = options.layout ?? stackLayout();
  const log = options.log ?? (() => undefined);
  const { ports, stateDir, certsDir, logsDir } = layout;
  mkdirSync(logsDir, { recursive: true });
  // PostgreSQL runs as its own user when we are root: it must reach its data directory inside.
  chmodSync(stateDir, 0o755);
  const stops: (() => Promise<void>)[] = [];
  const stopAll = async () => {
    for (const stop of stops.reverse()) await stop().catch(() => undefined);
  };
  try {
    log('certificates (openssl)');
    await exec('sh', [path.join(ROOT, 'deploy/make-certs.sh'), certsDir], { timeout: 60_000 });
    const tls = temporalTls(certsDir);

    log(`PostgreSQL on 127.0.0.1:${ports.postgres}`);
    const postgres = new Postgres(path.join(stateDir, 'postgres'), ports.postgres);
    await postgres.init();
    await postgres.start();
    // pg_ctl daemonises PostgreSQL: if this process dies without stop(), stop it on the way out.
    const stopPostgresOnExit = () => postgres.stopNowSync();
    process.once('exit', stopPostgresOnExit);
    stops.push(async () => {
      process.off('exit', stopPostgresOnExit);
      await postgres.stop();
    });
    await exec('sh', [path.join(ROOT, 'deploy/temporal-schema.sh')], { env: { ...process.env, ...postgres.env, TEMPORAL_SQL_TOOL: tools.temporalSqlTool }, timeout: 180_000 });

    const temporalAddress = `127.0.0.1:${ports.temporal}`;
    log(`Temporal server (mTLS) on ${temporalAddress}`);
    const temporal = temporalServerProcess({ port: ports.temporal, certsDir, logsDir, postgresEnv: postgres.env });
    await temporal.start(120_000);
    stops.push(() => temporal.stop(20_000));
    await setupTemporal(temporalAddress, tls);

    let ui: ManagedProcess | undefined;
    if (options.ui !== false) {
      log(`Temporal Web UI on http://127.0.0.1:${ports.ui}`);
      ui = temporalUiProcess({ stateDir, logsDir, port: ports.ui, temporalAddress, tls });
      await ui.start(60_000);
      stops.push(() => ui!.stop());
    }

    const credentials = surrealCredentials(stateDir);
    log(`SurrealDB on ws://127.0.0.1:${ports.surreal} (runners via the proxy on ${ports.surrealProxy}) and wss://127.0.0.1:${ports.surrealTls}`);
    const surrealServer = surrealProcess({ name: 'surreal', port: ports.surreal, storage: `surrealkv://${path.join(stateDir, 'surreal')}`, logsDir, credentials });
    await surrealServer.start(60_000);
    stops.push(() => surrealServer.stop());
    const surrealTlsServer = surrealProcess({
      name: 'surreal-tls',
      port: ports.surrealTls,
      storage: 'memory',
      logsDir,
      credentials,
      tls: { certFile: path.join(certsDir, 'server.pem'), keyFile: path.join(certsDir, 'server.key') },
    });
    await surrealTlsServer.start(60_000);
    stops.push(() => surrealTlsServer.stop());
    const proxy = await TcpProxy.start(ports.surrealProxy, { host: '127.0.0.1', port: ports.surreal });
    stops.push(() => proxy.close());

    const surreal = { ...credentials, namespace: 'main', database: 'main' };
    const runnerEnv: NodeJS.ProcessEnv = {
      ...temporalCliEnv(temporalAddress, tls),
      TEMPORAL_NAMESPACE: 'default',
      SURREAL_URL: `ws://127.0.0.1:${ports.surrealProxy}`,
      SURREAL_NS: surreal.namespace,
      SURREAL_DB: surreal.database,
      SURREAL_USER: credentials.username,
      SURREAL_PASS: credentials.password,
    };

    await waitForPort(ports.surrealProxy, 5_000, 'SurrealDB proxy');

    return {
      layout,
      addresses: {
        postgres: `127.0.0.1:${ports.postgres}`,
        temporal: temporalAddress,
        ...(ui ? { ui: `http://127.0.0.1:${ports.ui}` } : {}),
        surreal: `ws://127.0.0.1:${ports.surreal}`,
        surrealTls: `wss://127.0.0.1:${ports.surrealTls}`,
        surrealViaProxy: `ws://127.0.0.1:${ports.surrealProxy}`,
      },
      tls,
      surreal,
      runnerEnv,
      postgres,
      temporal,
      ...(ui ? { ui } : {}),
      surrealServer,
      surrealTlsServer,
      proxy,
      stop: stopAll,
    };
  } catch (error) {
    await stopAll();
    throw error;
  }
}

/** Runner processes on the stack (`start --bridge-only` / `--worker-only`), from source as an operator runs them. */
export function stackRunners(
  stack: Stack,
  options: { bridges: number; workers: number; jobConfig: unknown[]; extraArgs?: string[]; logLevel?: string },
): RunnerProcess[] {
  const env = { ...stack.runnerEnv, SPKY_JOB_CONFIG: JSON.stringify(options.jobConfig), LOG_LEVEL: options.logLevel ?? 'warn' };
  const runners: RunnerProcess[] = [];
  for (let i = 1; i <= options.bridges; i++) runners.push(new RunnerProcess(`bridge-${i}`, 'bridge', env, 2_000, false, options.extraArgs));
  for (let i = 1; i <= options.workers; i++) runners.push(new RunnerProcess(`worker-${i}`, 'worker', env, 2_000, false, options.extraArgs));
  return runners;
}

/** `spooky-temporal schema deploy` against the stack, as the compose stack's `schema` service runs it. */
export async function deployStackSchema(stack: Stack, jobConfig: unknown[]): Promise<void> {
  await exec(process.execPath, ['--import', 'tsx', 'src/app/cli/main.ts', 'schema', 'deploy'], {
    cwd: ROOT,
    env: { ...process.env, ...stack.runnerEnv, SPKY_JOB_CONFIG: JSON.stringify(jobConfig) },
    timeout: 60_000,
  });
}
