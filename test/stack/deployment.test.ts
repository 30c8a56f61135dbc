// `npm run test:stack`: the scenarios that matter for a deployment, on the production stack
// (Temporal on PostgreSQL with mTLS, the SurrealDB server, runner processes): delay across
// restarts, retries, kill during the delay and in flight, retry, two bridges, and restarts of
// each server. Outside `npm test`: the first run builds the servers (tens of minutes).
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { workflowIdFor } from '../../src/core/workflowId.js';
import { json, startTestBackend, type TestBackend } from '../helpers/backend.js';
import { runProcess } from '../helpers/runProcess.js';
import { startTestStack, type TestStack } from './helpers.js';

let backend: TestBackend;
let t: TestStack;
const flakyCalls = new Map<string, number>();

before(async () => {
  backend = await startTestBackend();
  // Fails twice with 503, then answers 200.
  backend.route('/flaky', (req, res) => {
    const n = (flakyCalls.get(req.jobId) ?? 0) + 1;
    flakyCalls.set(req.jobId, n);
    json(res, n <= 2 ? 503 : 200, { call: n });
  });
  t = await startTestStack(backend, (line) => console.log(`[stack] ${line}`));
});

after(async () => {
  await t?.close();
  await backend?.close();
});

interface Row {
  id: unknown;
  status: string;
  retries: number;
  errors: { code: string | number }[];
}

async function insertJob(fields: { path: string; payload?: unknown; delay?: number; max_retries?: number }): Promise<string> {
  const [rows] = await t.db.query<[{ id: unknown }[]]>('CREATE job CONTENT $content RETURN id', {
    content: { path: fields.path, payload: JSON.stringify(fields.payload ?? {}), max_retries: fields.max_retries ?? 0, retry_strategy: 'linear', status: 'pending', ...(fields.delay ? { delay: fields.delay } : {}) },
  });
  return String(rows[0]!.id);
}

async function row(jobId: string): Promise<Row | undefined> {
  const [rows] = await t.db.query<[Row[]]>('SELECT * FROM ONLY type::record($id)', { id: jobId }).catch(() => [[]] as unknown as [Row[]]);
  return Array.isArray(rows) ? rows[0] : (rows as Row | undefined);
}

async function until<T>(what: string, probe: () => Promise<T | undefined | false>, timeoutMs = 90_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe().catch(() => undefined);
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(300);
  }
}

const terminal = (jobId: string, timeoutMs?: number) =>
  until(`job ${jobId} to end`, async () => {
    const r = await row(jobId);
    return r && (r.status === 'success' || r.status === 'failed') ? r : undefined;
  }, timeoutMs);

/** The CLI against the stack, as an operator runs it (the stack's environment: mTLS, SurrealDB user). */
function cli(args: string[]) {
  return runProcess(process.execPath, ['--import', 'tsx', 'src/app/cli/main.ts', ...args], { ...process.env, ...t.stack.runnerEnv, SPKY_JOB_CONFIG: JSON.stringify(t.jobConfig), NO_COLOR: '1' });
}

void test('a job runs end to end: row → workflow on the Postgres-backed server over mTLS → backend call → success row', async () => {
  const jobId = await insertJob({ path: '/echo', payload: { hello: 'stack' } });
  const done = await terminal(jobId);
  assert.equal(done.status, 'success');
  const requests = backend.requestsFor(jobId);
  assert.equal(requests.length, 1);
  assert.equal(requests[0]!.headers['idempotency-key'], jobId);
  const workflows = [];
  for await (const w of t.client.workflow.list({ query: `JobId = "${jobId}"` })) workflows.push(w);
  assert.equal(workflows.length, 1, 'one workflow, found by its JobId search attribute');
});

void test('retries: two 503s, then 200; the row counts two retries and keeps both errors', async () => {
  const jobId = await insertJob({ path: '/flaky', max_retries: 5 });
  const done = await terminal(jobId);
  assert.equal(done.status, 'success');
  assert.equal(done.retries, 2);
  assert.deepEqual(done.errors.map((e) => e.code), [503, 503]);
  const at = backend.requestsFor(jobId).map((r) => r.receivedAt);
  assert.equal(at.length, 3);
  assert.ok(at[1]! - at[0]! >= 150 && at[2]! - at[1]! >= 150, `backoff between calls: ${at[1]! - at[0]!} ms, ${at[2]! - at[1]!} ms`);
});

void test('a delay survives SIGKILL of the Temporal server, the bridge and both workers: the call comes after the delay, once', async () => {
  const enqueuedAt = Date.now();
  const jobId = await insertJob({ path: '/echo', delay: 12_000 });
  await until('the delayed job\'s workflow', () => t.client.workflow.getHandle(workflowIdFor(jobId, 1)).describe().then(() => true));
  await sleep(2_000);
  await Promise.all([t.stack.temporal.kill(), ...t.runners.map((r) => Promise.resolve(r.kill()))]);
  await sleep(2_000);
  await t.stack.temporal.start(120_000);
  t.runners.forEach((r) => r.start());
  const done = await terminal(jobId, 120_000);
  assert.equal(done.status, 'success');
  const requests = backend.requestsFor(jobId);
  assert.equal(requests.length, 1);
  assert.ok(requests[0]!.receivedAt - enqueuedAt >= 11_500, `called ${requests[0]!.receivedAt - enqueuedAt} ms after enqueue, delay 12 s`);
});

void test('kill during the delay never calls the backend; kill in flight aborts the call; both rows end failed', async () => {
  const delayed = await insertJob({ path: '/echo', delay: 60_000 });
  const inFlight = await insertJob({ path: '/slow', payload: { ms: 60_000 } });
  await until('the slow call', async () => backend.requestsFor(inFlight).length === 1);
  const [a, b] = await Promise.all([cli(['jobs', 'kill', delayed]), cli(['jobs', 'kill', inFlight])]);
  assert.equal(a.status, 0, a.stderr);
  assert.equal(b.status, 0, b.stderr);
  const [rowA, rowB] = await Promise.all([terminal(delayed), terminal(inFlight)]);
  assert.deepEqual([rowA.status, rowA.errors.at(-1)?.code], ['failed', 'killed']);
  assert.deepEqual([rowB.status, rowB.errors.at(-1)?.code], ['failed', 'cancelled']);
  assert.equal(backend.requestsFor(delayed).length, 0);
  assert.ok(backend.requestsFor(inFlight)[0]!.abortedAt, 'the call in flight was aborted');
});

void test('retry re-runs a failed job as a new workflow; the backend is called again', async () => {
  const jobId = await insertJob({ path: '/status/500' });
  assert.equal((await terminal(jobId)).status, 'failed');
  backend.route('/status/500', (req, res) => json(res, 200, { now: 'fine' }));
  const retried = await cli(['jobs', 'retry', jobId]);
  assert.equal(retried.status, 0, retried.stderr);
  const done = await until('the retried job to succeed', async () => ((await row(jobId))?.status === 'success' ? true : undefined));
  assert.ok(done);
  assert.equal(backend.requestsFor(jobId).length, 2);
});

void test('two bridges see the same rows: every one of 30 jobs is called exactly once', async () => {
  const [second] = (await import('../../stack/startStack.js')).stackRunners(t.stack, { bridges: 1, workers: 0, jobConfig: t.jobConfig });
  second!.start();
  try {
    const ids = await Promise.all(Array.from({ length: 30 }, (_, i) => insertJob({ path: '/echo', payload: { i } })));
    for (const id of ids) assert.equal((await terminal(id)).status, 'success');
    assert.deepEqual(ids.map((id) => backend.requestsFor(id).length), ids.map(() => 1));
  } finally {
    await second!.stop();
  }
});

void test('SIGKILL of the SurrealDB server: jobs enqueued before and after its restart all succeed, each called once', async () => {
  const before = await Promise.all(Array.from({ length: 10 }, (_, i) => insertJob({ path: '/echo', payload: { i }, delay: 3_000, max_retries: 3 })));
  await t.stack.surrealServer.kill();
  await sleep(3_000);
  await t.stack.surrealServer.start(60_000);
  await t.db.close().catch(() => undefined);
  const { openSurreal } = await import('../../src/adapters/db/connect.js');
  t.db = await openSurreal({ url: t.stack.addresses.surreal, namespace: t.stack.surreal.namespace, database: t.stack.surreal.database, username: t.stack.surreal.username, password: t.stack.surreal.password });
  const afterRestart = await Promise.all(Array.from({ length: 10 }, (_, i) => insertJob({ path: '/echo', payload: { i } })));
  for (const id of [...before, ...afterRestart]) assert.equal((await terminal(id, 120_000)).status, 'success', id);
  assert.deepEqual([...before, ...afterRestart].map((id) => backend.requestsFor(id).length), [...before, ...afterRestart].map(() => 1));
});

void test('a PostgreSQL crash under Temporal: jobs in progress finish once it is back', async () => {
  const ids = await Promise.all(Array.from({ length: 10 }, (_, i) => insertJob({ path: '/echo', payload: { i }, delay: 2_000 })));
  await t.stack.postgres.crash();
  await sleep(5_000);
  await t.stack.postgres.start();
  for (const id of ids) assert.equal((await terminal(id, 180_000)).status, 'success', id);
  assert.deepEqual(ids.map((id) => backend.requestsFor(id).length), ids.map(() => 1));
});

void test('a runner without the client certificate is refused by Temporal at start with one clear line, exit 1', async () => {
  const env: NodeJS.ProcessEnv = { ...process.env, ...t.stack.runnerEnv, SPKY_JOB_CONFIG: JSON.stringify(t.jobConfig), NO_COLOR: '1' };
  delete env.TEMPORAL_TLS_CLIENT_CERT_PATH;
  delete env.TEMPORAL_TLS_CLIENT_KEY_PATH;
  const run = await runProcess(process.execPath, ['--import', 'tsx', 'src/app/cli/main.ts', 'start', '--worker-only'], env, 60_000);
  assert.equal(run.status, 1, run.stderr);
  assert.match(run.stderr, /^error: .*client certificate.*TEMPORAL_TLS_CLIENT_CERT_PATH/m);
  assert.equal(run.stderr.trim().split('\n').length, 1, run.stderr);
});

void test('SurrealDB over wss:// with the stack CA works; without the CA the CLI says which variable to set', async () => {
  const env = { ...t.stack.runnerEnv, SURREAL_URL: t.stack.addresses.surrealTls, SPKY_JOB_CONFIG: JSON.stringify(t.jobConfig), NO_COLOR: '1' };
  const run = (extra: NodeJS.ProcessEnv, args: string[]) =>
    runProcess(process.execPath, ['--import', 'tsx', 'src/app/cli/main.ts', ...args], { ...process.env, ...env, ...extra }, 60_000);
  const deployed = await run({ SURREAL_CA_PATH: t.stack.tls.caFile }, ['schema', 'deploy']);
  assert.equal(deployed.status, 0, deployed.stderr);
  const listed = await run({ SURREAL_CA_PATH: t.stack.tls.caFile }, ['jobs', 'list', '--json']);
  assert.equal(listed.status, 0, listed.stderr);
  const refused = await run({}, ['jobs', 'list']);
  assert.equal(refused.status, 1);
  assert.match(refused.stderr, /^error: .*SURREAL_CA_PATH/m);
});

void test('a database-level SurrealDB user signs in with SURREAL_AUTH_LEVEL=database; a wrong password is one line naming the level and user', async () => {
  await t.db.query("DEFINE USER OVERWRITE jobs_operator ON DATABASE PASSWORD 'operator-pass-123' ROLES EDITOR");
  const env = { ...t.stack.runnerEnv, SPKY_JOB_CONFIG: JSON.stringify(t.jobConfig), NO_COLOR: '1', SURREAL_AUTH_LEVEL: 'database', SURREAL_USER: 'jobs_operator' };
  const run = (password: string) =>
    runProcess(process.execPath, ['--import', 'tsx', 'src/app/cli/main.ts', 'jobs', 'list', '--json'], { ...process.env, ...env, SURREAL_PASS: password }, 60_000);
  const ok = await run('operator-pass-123');
  assert.equal(ok.status, 0, ok.stderr);
  assert.ok(JSON.parse(ok.stdout), ok.stdout);
  const refused = await run('wrong-password');
  assert.equal(refused.status, 1);
  assert.match(refused.stderr, /^error: .*jobs_operator.*database main\/main/m);
  assert.doesNotMatch(refused.stderr, /wrong-password/);
});
