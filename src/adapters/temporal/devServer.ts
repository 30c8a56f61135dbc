// Starts a real Temporal dev server (`temporal server start-dev`) as a child
// process and waits until it can serve the namespace. Used by `npm start` and
// the integration tests (several may run at once, so every port is free-picked).
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer, connect as tcpConnect } from 'node:net';
import { createInterface } from 'node:readline';
import { setTimeout as sleep } from 'node:timers/promises';
import { Connection } from '@temporalio/client';
import { UnreachableError } from '../../core/errors.js';
import { findTemporalCli } from './findTemporalCli.js';

export type SearchAttributeTypeName = 'Text' | 'Keyword' | 'Int' | 'Double' | 'Bool' | 'Datetime' | 'KeywordList';

export interface DevServerOptions {
  /** Frontend gRPC port; default a free one. Pass the old port to restart on the same db file. */
  port?: number;
  /** Web UI; `false` → `--headless`. Default true. */
  ui?: boolean;
  /** Web UI port; default a free one (the CLI's default, port+1000, clashes between servers). */
  uiPort?: number;
  /** The UI's remote codec endpoint (`spooky-temporal codec-server`), so it shows encrypted payloads decoded. */
  uiCodecEndpoint?: string;
  /** SQLite file for durable state; default in-memory (lost when the server stops). */
  dbFilename?: string;
  /** Default 'default' (always created by the dev server). */
  namespace?: string;
  /** Registered at start, e.g. `{ JobStatus: 'Keyword' }`; re-registering on an existing db is fine. */
  searchAttributes?: Record<string, SearchAttributeTypeName>;
  /** Extra `--dynamic-config-value KEY=JSON` entries (e.g. `{ 'matching.enableFairness': true }`). */
  dynamicConfig?: Record<string, unknown>;
  logLevel?: 'debug' | 'info' | 'warn' | 'error';
  /** How long to wait for the namespace to be ready. Default 60 s. */
  readyTimeoutMs?: number;
  /** The CLI to run; default findTemporalCli(). */
  cliPath?: string;
}

export interface DevServer {
  address: string;
  port: number;
  uiPort?: number;
  uiUrl?: string;
  namespace: string;
  dbFilename?: string;
  /** SIGTERM, wait for exit; SIGKILL after 10 s. Idempotent. */
  stop(): Promise<void>;
  process: ChildProcess;
}

const HOST = '127.0.0.1';

/**
 * Dynamic config every dev server we start gets (the compose stack's server has the same
 * keys in deploy/temporal-dynamicconfig.yaml):
 * - the timer queue may fire a timer at most 50 ms late; by default a sub-second wait lasts
 *   about a second (a 400 ms backoff took 1,100 ms), at no measurable throughput cost;
 * - the new matcher is what makes task-queue priorities work, and fairness (off by default)
 *   serves the backlogs of different fairness keys (tenants) in turn;
 * - one partition per task queue: Temporal orders priority and fairness within a partition
 *   only. With the default 4, a poll that lands on a partition holding only low tasks takes
 *   one while critical ones wait on another (measured: 7–13 of 50 low jobs ran before the last
 *   of 5 critical ones; with one partition, none). One node gains nothing from more.
 */
export const DEV_SERVER_DYNAMIC_CONFIG: Record<string, unknown> = {
  'history.timerProcessorMaxTimeShift': '50ms',
  'matching.useNewMatcher': true,
  'matching.enableFairness': true,
  'matching.numTaskqueueReadPartitions': 1,
  'matching.numTaskqueueWritePartitions': 1,
};
const LOG_LINES = 50;

/** A port that was free a moment ago (bind 127.0.0.1:0, read it, close). */
export function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const srv = createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, HOST, () => {
      const addr = srv.address();
      srv.close(() => (typeof addr === 'object' && addr ? resolvePort(addr.port) : reject(new Error('no port'))));
    });
  });
}

function tcpOpen(port: number): Promise<boolean> {
  return new Promise((done) => {
    const sock = tcpConnect({ host: HOST, port }, () => {
      sock.destroy();
      done(true);
    });
    sock.on('error', () => done(false));
  });
}

export async function startDevServer(options: DevServerOptions = {}): Promise<DevServer> {
  const cli = options.cliPath ?? (await findTemporalCli());
  // A free-picked port can be taken by a parallel process before the server binds
  // it (the server then exits at once): retry with fresh ports, unless they were given.
  const attempts = options.port === undefined && options.uiPort === undefined ? 3 : 1;
  for (let i = 1; ; i++) {
    try {
      return await startOnce(cli, options);
    } catch (err) {
      if (i >= attempts || !/address already in use/i.test(String(err))) throw err;
    }
  }
}

async function startOnce(cli: string, options: DevServerOptions): Promise<DevServer> {
  const namespace = options.namespace ?? 'default';
  const port = options.port ?? (await freePort());
  const ui = options.ui ?? true;
  const uiPort = ui ? (options.uiPort ?? (await freePort())) : undefined;
  // --http-port and --metrics-port are left out on purpose: start-dev (CLI 1.9.1)
  // picks a random free port for each, as it does for the internal services.
  const args = ['server', 'start-dev', '--ip', HOST, '--port', String(port), '--namespace', namespace];
  args.push('--log-level', options.logLevel ?? 'warn');
  if (uiPort === undefined) {
    args.push('--headless');
  } else {
    args.push('--ui-port', String(uiPort), '--ui-disable-news-fetch');
    if (options.uiCodecEndpoint) args.push('--ui-codec-endpoint', options.uiCodecEndpoint);
  }
  if (options.dbFilename) {
    // Same pragmas as the SDK's CI: the dev server's single SQLite connection is its ceiling.
    args.push('--db-filename', options.dbFilename);
    args.push('--sqlite-pragma', 'journal_mode=WAL', '--sqlite-pragma', 'synchronous=OFF');
  }
  const dynamicConfig = { ...DEV_SERVER_DYNAMIC_CONFIG, ...options.dynamicConfig };
  for (const [key, value] of Object.entries(dynamicConfig)) {
    args.push('--dynamic-config-value', `${key}=${JSON.stringify(value)}`);
  }
  for (const [name, type] of Object.entries(options.searchAttributes ?? {})) {
    args.push('--search-attribute', `${name}=${type}`);
  }

  const child = spawn(cli, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  const log: string[] = [];
  for (const stream of [child.stdout, child.stderr]) {
    createInterface({ input: stream }).on('line', (line) => {
      log.push(line);
      if (log.length > LOG_LINES) log.shift();
    });
  }
  let exited = false;
  const exit = new Promise<string>((done) => {
    child.once('error', (err) => ((exited = true), done(`could not be started (${err.message})`)));
    child.once('exit', (code, signal) => ((exited = true), done(`exited (${signal ?? `code ${code}`})`)));
  });
  // Never leave an orphaned server behind (e.g. `node --test --test-force-exit`).
  const killOnExit = () => child.kill('SIGKILL');
  process.on('exit', killOnExit);

  const stop = async () => {
    process.off('exit', killOnExit);
    if (exited) return;
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
    await exit;
    clearTimeout(timer);
  };

  const address = `${HOST}:${port}`;
  const failure = (what: string) =>
    new UnreachableError(
      `temporal dev server (${cli} ${args.join(' ')}) ${what}. Last output:\n${log.join('\n') || '(none)'}`,
    );
  const timeoutMs = options.readyTimeoutMs ?? 60_000;
  let dead = false;
  const ready = waitReady(address, port, namespace, Object.keys(options.searchAttributes ?? {}), timeoutMs, () => dead);
  const outcome = await Promise.race([ready.then((error) => ({ error })), exit.then((reason) => ({ reason }))]);
  if ('reason' in outcome || outcome.error !== undefined) {
    dead = true; // stops the polling loop
    // Build the error first: the log must show why it failed, not the shutdown noise.
    const err = failure('reason' in outcome ? outcome.reason : `was not ready within ${timeoutMs} ms (${outcome.error})`);
    await stop();
    throw err;
  }
  return {
    address,
    port,
    uiPort,
    uiUrl: uiPort === undefined ? undefined : `http://${HOST}:${uiPort}`,
    namespace,
    dbFilename: options.dbFilename,
    stop,
    process: child,
  };
}

/**
 * Polls until the port accepts TCP, the namespace describes, and the requested
 * search attributes are listed. Resolves undefined when ready, else the last
 * problem seen at the deadline (or when `dead()` says the server is gone).
 */
async function waitReady(
  address: string,
  port: number,
  namespace: string,
  attributes: string[],
  timeoutMs: number,
  dead: () => boolean,
): Promise<string | undefined> {
  const deadline = Date.now() + timeoutMs;
  let connection: Connection | undefined;
  try {
    for (;;) {
      try {
        if (!connection) {
          if (!(await tcpOpen(port))) throw new Error(`port ${port} not accepting connections`);
          connection = await Connection.connect({ address, connectTimeout: 5_000 });
        }
        await connection.workflowService.describeNamespace({ namespace });
        const { customAttributes } = await connection.operatorService.listSearchAttributes({ namespace });
        const missing = attributes.filter((a) => !(a in (customAttributes ?? {})));
        if (missing.length) throw new Error(`search attributes not listed yet: ${missing.join(', ')}`);
        return undefined;
      } catch (err) {
        if (dead() || Date.now() >= deadline) return err instanceof Error ? err.message : String(err);
        await sleep(200);
      }
    }
  } finally {
    await connection?.close();
  }
}
