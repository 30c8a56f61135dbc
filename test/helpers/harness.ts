// Shared setup for integration tests: a real Temporal dev server, the embedded SurrealDB
// engine, a real HTTP backend, and runners wired to them.
import { randomUUID } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { StringRecordId, type Surreal } from 'surrealdb';
import { openSurreal } from '../../src/adapters/db/connect.js';
import { startDevServer, type DevServer } from '../../src/adapters/temporal/devServer.js';
import { JOB_SEARCH_ATTRIBUTES } from '../../src/core/searchAttributes.js';
import { createRunner, type Runner, type RunnerOptions } from '../../src/app/runner/createRunner.js';
import { getWorkflowBundle } from '../../src/orchestration/worker/workflowBundle.js';
import { silentLogger } from '../../src/adapters/logger.js';
import type { ConfigObject } from '../../src/config/loadConfig.js';
import type { JobRow } from '../../src/core/interfaces.js';

export const TEST_SPEC = fileURLToPath(new URL('../fixtures/jobs-openapi.yml', import.meta.url));
export const TEST_TOKEN = 'test-secret-token-123';

export function startTemporal(options: { dbFilename?: string; port?: number } = {}): Promise<DevServer> {
  return startDevServer({ ui: false, searchAttributes: JOB_SEARCH_ATTRIBUTES, ...options });
}

/** A fresh, isolated embedded database. */
export async function openTestDb(): Promise<{ db: Surreal; url: string; namespace: string; database: string }> {
  const namespace = 'test';
  const database = `db_${randomUUID().replaceAll('-', '')}`;
  const db = await openSurreal({ url: 'mem://', namespace, database });
  return { db, url: 'mem://', namespace, database };
}

export function testConfig(
  temporal: DevServer,
  backendUrl: string,
  extra: Partial<ConfigObject> & { backendOverrides?: Record<string, unknown> } = {},
): ConfigObject {
  const { backendOverrides, ...rest } = extra;
  return {
    backends: [
      {
        name: 'api',
        table: 'job',
        baseUrl: backendUrl,
        authToken: TEST_TOKEN,
        specPath: TEST_SPEC,
        timeoutSeconds: 2,
        backoffBaseMs: 100,
        backoffMaxMs: 5_000,
        taskQueue: `test-${randomUUID()}`,
        ...backendOverrides,
      },
    ],
    temporal: { address: temporal.address, namespace: 'default' },
    deployment: `test-${randomUUID()}`,
    ...rest,
  } as ConfigObject;
}

export async function startRunner(options: RunnerOptions): Promise<Runner> {
  const runner = await createRunner({
    logger: silentLogger(),
    workflowBundle: await getWorkflowBundle(),
    ...options,
    bridge: { reconcileIntervalMs: 1_000, healthCheckIntervalMs: 500, staleProcessingMs: 1_000, recheckRunningMs: 1_000, ...options.bridge },
  });
  await runner.start();
  return runner;
}

export async function waitFor<T>(
  what: string,
  probe: () => Promise<T | undefined | false> | T | undefined | false,
  timeoutMs = 30_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const value = await probe();
      if (value !== undefined && value !== false) return value;
    } catch (error) {
      last = error;
    }
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${last ? `: ${String(last)}` : ''}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** Waits until the job is terminal and returns its row. */
export function waitForTerminal(runner: Runner, jobId: string, timeoutMs = 30_000): Promise<JobRow> {
  return waitFor(
    `job ${jobId} to finish`,
    async () => {
      const row = await runner.jobs.get(jobId);
      return row && (row.status === 'success' || row.status === 'failed') ? row : undefined;
    },
    timeoutMs,
  );
}

/** Writes a row the way Sp00ky's db.run does (payload as a JSON string). */
export async function insertJob(
  db: Surreal,
  fields: {
    path: string;
    payload?: unknown;
    delay?: number;
    max_retries?: number;
    retry_strategy?: string;
    timeout?: number;
    assigned_to?: string;
  },
  table = 'job',
): Promise<string> {
  const content: Record<string, unknown> = {
    path: fields.path,
    payload: JSON.stringify(fields.payload ?? {}),
    max_retries: fields.max_retries ?? 0,
    retry_strategy: fields.retry_strategy ?? 'linear',
    status: 'pending',
  };
  if (fields.delay !== undefined) content['delay'] = fields.delay;
  if (fields.timeout !== undefined) content['timeout'] = fields.timeout;
  if (fields.assigned_to !== undefined) content['assigned_to'] = new StringRecordId(fields.assigned_to);
  const [rows] = await db.query<[{ id: unknown }[]]>(`CREATE type::table($t) CONTENT $content RETURN id`, { t: table, content });
  return String(rows?.[0]?.id);
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
