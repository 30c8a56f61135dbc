// The production stack for `npm run test:stack`: built once (.tools), started fresh in a temporary
// state directory on ports +100 (beside a running `npm run stack`), with runner processes
// (one bridge, two workers) and a real HTTP backend on 127.0.0.1.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Client, Connection } from '@temporalio/client';
import type { Surreal } from 'surrealdb';
import type { RunnerProcess } from '../../chaos/processes.js';
import { ensureStackTools } from '../../stack/buildTools.js';
import { stackLayout } from '../../stack/layout.js';
import { sdkTls } from '../../stack/temporalServer.js';
import { deployStackSchema, stackRunners, startStack, type Stack } from '../../stack/startStack.js';
import { openSurreal } from '../../src/adapters/db/connect.js';
import { TEST_SPEC, TEST_TOKEN } from '../helpers/harness.js';
import type { TestBackend } from '../helpers/backend.js';

export interface TestStack {
  stack: Stack;
  db: Surreal;
  client: Client;
  connection: Connection;
  runners: RunnerProcess[];
  jobConfig: unknown[];
  close(): Promise<void>;
}

export function stackJobConfig(backend: TestBackend): unknown[] {
  return [{ name: 'api', table: 'job', base_url: backend.url, auth_token: TEST_TOKEN, spec: TEST_SPEC, timeout: 30, concurrency: 10, backoff_base_ms: 200, backoff_max_ms: 2_000 }];
}

export async function startTestStack(backend: TestBackend, log: (line: string) => void): Promise<TestStack> {
  await ensureStackTools(log);
  const layout = stackLayout(mkdtempSync(path.join(tmpdir(), 'spooky-stack-')), 100);
  const stack = await startStack({ layout, log, ui: false });
  const jobConfig = stackJobConfig(backend);
  await deployStackSchema(stack, jobConfig);
  const runners = stackRunners(stack, { bridges: 1, workers: 2, jobConfig });
  runners.forEach((runner) => runner.start());
  const db = await openSurreal({ url: stack.addresses.surreal, namespace: stack.surreal.namespace, database: stack.surreal.database, username: stack.surreal.username, password: stack.surreal.password });
  const connection = await Connection.connect({
    address: stack.addresses.temporal,
    tls: sdkTls(stack.tls),
  });
  return {
    stack,
    db,
    client: new Client({ connection }),
    connection,
    runners,
    jobConfig,
    async close() {
      await Promise.all(runners.map((runner) => runner.stop()));
      await connection.close().catch(() => undefined);
      await db.close().catch(() => undefined);
      await stack.stop();
    },
  };
}
