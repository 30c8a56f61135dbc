// `dev`'s work, loaded only when `dev` runs: runDev plus the control endpoint and dev.json.
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { parseDocument } from 'yaml';
import { EXAMPLE_CONFIG, enqueueDemoJobs, runDev, type DevInstance } from '../../dev/runDev.js';
import { UsageError } from '../cliErrors.js';
import { DEFAULT_CONTROL_PORT, startControlServer, type ControlServer } from '../controlServer.js';
import { removeDevFile, writeDevFile } from '../devFile.js';
import { DirectJobs } from '../directJobs.js';
import { configSecrets } from '../../../config/configSecrets.js';
import { secretScrubber } from '../../../core/redactSecrets.js';
import { displayPath } from '../output.js';

export interface DevCommandOptions {
  dataDir: string;
  config?: string;
  demo: boolean;
  once?: boolean;
  controlPort?: number;
  backendPort?: number;
}

export async function runDevCommand(opts: DevCommandOptions): Promise<void> {
  const dataDir = path.resolve(opts.dataDir);
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

  let control: ControlServer | undefined;
  let stopping: Promise<void> | undefined;
  let resolveStopped!: () => void;
  const stopped = new Promise<void>((resolve) => (resolveStopped = resolve));
  const stop = () => {
    stopping ??= (async () => {
      console.log('stopping: draining in-flight calls…');
      await control?.close().catch(() => undefined);
      await removeDevFile(dataDir).catch(() => undefined);
      await dev.stop();
      resolveStopped();
    })();
    return stopping;
  };
  process.on('SIGINT', () => void stop());
  process.on('SIGTERM', () => void stop());

  try {
    control = await serveControl(dev, dataDir, opts.controlPort);
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

async function serveControl(dev: DevInstance, dataDir: string, port: number | undefined): Promise<ControlServer> {
  const { runner, temporal } = dev;
  const backend = new DirectJobs({
    jobs: runner.jobs,
    db: () => runner.db,
    backends: runner.config.backends.map((b) => ({ name: b.name, table: b.table })),
    target: `dev instance (${displayPath(dataDir)})`,
    temporalNamespace: runner.config.temporal.namespace,
    ...(temporal.uiUrl ? { temporalUiUrl: temporal.uiUrl } : {}),
    scrub: secretScrubber(configSecrets(runner.config)),
  });
  const token = randomBytes(24).toString('base64url');
  const control = await startControlServer({
    backend,
    token,
    port: port ?? DEFAULT_CONTROL_PORT,
    fallbackToFreePort: port === undefined,
    onError: (error) => console.error(`control endpoint: ${(error as Error).message}`),
  });
  const file = await writeDevFile(dataDir, {
    version: 1,
    pid: process.pid,
    controlUrl: control.url,
    token,
    temporalAddress: temporal.address,
    temporalNamespace: runner.config.temporal.namespace,
    ...(temporal.uiUrl ? { temporalUiUrl: temporal.uiUrl } : {}),
    surrealUrl: runner.config.surreal.url,
    ...(existsSync(runner.config.source) ? { configPath: runner.config.source } : {}),
    startedAt: new Date().toISOString(),
  });
  console.log(`Control endpoint: ${control.url} (for \`spooky-temporal jobs\`; details in ${displayPath(file)})`);
  return control;
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
