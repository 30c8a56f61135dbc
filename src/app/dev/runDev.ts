// The embedded default behind `npm start`: SurrealDB in a local folder, a Temporal dev server
// with its database file beside it (delays survive a restart), the example backend, and a
// runner (bridge + worker). Optionally enqueues demo jobs that walk every path. The SurrealDB
// engine is opened here, not by the runner, so `dev` can also serve it to other processes.
import { mkdir } from 'node:fs/promises';
import { resolve } from 'node:path';
import type { Logger } from 'pino';
import { loadConfig } from '../../config/loadConfig.js';
import { freePort, startDevServer, type DevServer } from '../../adapters/temporal/devServer.js';
import { JOB_SEARCH_ATTRIBUTES } from '../../core/searchAttributes.js';
import { createRunner, type Runner } from '../runner/createRunner.js';
import { tracingFromEnv } from '../../adapters/tracing/tracingFromEnv.js';
import { silentLogger } from '../../adapters/logger.js';
import { startExampleBackend, type ExampleBackend } from './exampleBackend.js';
import type { JobEvent } from '../../core/jobEvents.js';
import { packageRoot } from '../../adapters/packageRoot.js';
import { openEmbeddedEngine, type EmbeddedEngine } from '../../adapters/surrealRpc/embeddedEngine.js';

export const EXAMPLE_CONFIG = resolve(packageRoot(), 'examples/sp00ky.yml');

export interface DevOptions {
  /** Folder for SurrealDB (surrealkv) and the Temporal database file. Default `.data`. */
  dataDir?: string;
  /** sp00ky.yml of the app. Default: the example app. */
  configPath?: string;
  /** Start the example backend on its baseUrl's port. Default true when using the example config. */
  exampleBackend?: boolean;
  /** Preferred Temporal ports; a free port is used when taken. */
  temporalPort?: number;
  uiPort?: number;
  logger?: Logger;
  /** One human line per event (job state changes, addresses). */
  print?: (line: string) => void;
  /** Port of /metrics, /healthz and /readyz on 127.0.0.1 (default 9464; 0 = off). */
  metricsPort?: number;
}

export interface DevInstance {
  runner: Runner;
  /** The embedded SurrealDB the runner uses (its `db` is `runner.db`). */
  engine: EmbeddedEngine;
  temporal: DevServer;
  backend?: ExampleBackend;
  dataDir: string;
  stop(): Promise<void>;
}

export async function runDev(options: DevOptions = {}): Promise<DevInstance> {
  const print = options.print ?? ((line: string) => console.log(line));
  const dataDir = resolve(options.dataDir ?? '.data');
  await mkdir(dataDir, { recursive: true });
  const configPath = options.configPath ?? EXAMPLE_CONFIG;
  const useExampleBackend = options.exampleBackend ?? configPath === EXAMPLE_CONFIG;

  const temporal = await startDevServer({
    port: await portOr(options.temporalPort ?? 7233),
    uiPort: await portOr(options.uiPort ?? 8233),
    dbFilename: resolve(dataDir, 'temporal.db'),
    searchAttributes: JOB_SEARCH_ATTRIBUTES,
  });
  const stack: (() => Promise<void>)[] = [() => temporal.stop()];
  const stopAll = async () => {
    for (const stop of stack.reverse()) await stop().catch(() => undefined);
  };
  try {
    const config = await loadConfig({
      configPath,
      env: {},
      overrides: {
        surreal: { url: `surrealkv://${resolve(dataDir, 'surreal')}`, namespace: 'main', database: 'main' },
        temporal: { address: temporal.address, namespace: 'default' },
      },
    });

    let backend: ExampleBackend | undefined;
    if (useExampleBackend) {
      const api = config.backends[0];
      const port = api ? Number(new URL(api.baseUrl).port) || 3660 : 3660;
      backend = await startExampleBackend({ port, token: api?.authToken, log: () => undefined });
      stack.push(() => backend!.close());
    }

    const engine = await openEmbeddedEngine(config.surreal);
    stack.push(async () => void (await engine.db.close()));

    const metricsPort = options.metricsPort ?? 9464;
    // Traces only when an OTLP endpoint is set (OTEL_EXPORTER_OTLP_ENDPOINT), as for `start`.
    const tracing = await tracingFromEnv();
    const runner = await createRunner({
      config,
      db: engine.db,
      logger: options.logger ?? silentLogger(),
      deploySchema: true,
      ...(metricsPort ? { metrics: { port: metricsPort, host: '127.0.0.1' } } : {}),
      ...(tracing ? { tracing } : {}),
    });
    runner.events.on('job', (event) => print(describeEvent(event)));
    await runner.start();
    stack.push(() => runner.stop());

    print(`SurrealDB (embedded): surrealkv://${resolve(dataDir, 'surreal')}  namespace main, database main`);
    print(`Temporal: ${temporal.address}   Web UI: ${temporal.uiUrl ?? '(headless)'}`);
    if (metricsPort) print(runner.opsUrl ? `Metrics: ${runner.opsUrl}/metrics   health: /healthz, /readyz` : `Metrics: off (port ${metricsPort} is taken)`);
    if (tracing) print('Tracing: spans over OTLP/HTTP (OTEL_EXPORTER_OTLP_ENDPOINT), each job in the trace it was enqueued in');
    return { runner, engine, temporal, backend, dataDir, stop: stopAll };
  } catch (error) {
    await stopAll();
    throw error;
  }
}

/** The demo: one job at once, one delayed, one that fails and then succeeds, one killed during its delay. */
export async function enqueueDemoJobs(dev: DevInstance, print: (line: string) => void = console.log): Promise<string[]> {
  const jobs = dev.runner.jobs;
  const now = await jobs.enqueue('api', '/spookify', { id: 'thread:demo' });
  print(`enqueued ${now}: POST /spookify at once`);
  const delayed = await jobs.enqueue('api', '/send-reminder', { to: 'ada@example.com' }, { delay: 5_000 });
  print(`enqueued ${delayed}: POST /send-reminder after a 5 s delay`);
  const flaky = await jobs.enqueue(
    'api',
    '/flaky',
    { key: `demo-${Date.now()}`, failures: 2 },
    { maxRetries: 3, retryStrategy: 'exponential' },
  );
  print(`enqueued ${flaky}: POST /flaky fails twice (503), then succeeds on the 3rd attempt`);
  const doomed = await jobs.enqueue('api', '/send-reminder', { to: 'undo@example.com' }, { delay: 30_000 });
  print(`enqueued ${doomed}: POST /send-reminder after 30 s, killed in 2 s ("undo send")`);
  setTimeout(() => {
    jobs
      .kill(doomed)
      .then((outcome) => print(`kill ${doomed}: ${outcome.outcome}`))
      .catch((error: unknown) => print(`kill ${doomed} failed: ${(error as Error).message}`));
  }, 2_000);
  return [now, delayed, flaky, doomed];
}

function describeEvent(event: JobEvent): string {
  const time = new Date().toISOString().slice(11, 19);
  const attempt = event.attempt ? ` (attempt ${event.attempt})` : '';
  const error = event.error ? `  [${event.error.code}] ${event.error.reason}` : '';
  const next = event.nextAttemptInMs !== undefined ? `, next attempt in ${event.nextAttemptInMs} ms` : '';
  const label = event.status === 'started' ? `workflow ${event.workflowId} started` : `→ ${event.status}`;
  return `${time}  ${event.jobId}  ${label}${attempt}${error}${next}`;
}

async function portOr(preferred: number): Promise<number> {
  const { createServer } = await import('node:net');
  return new Promise((resolvePort) => {
    const server = createServer();
    server.once('error', () => void freePort().then(resolvePort));
    server.listen(preferred, '127.0.0.1', () => server.close(() => resolvePort(preferred)));
  });
}
