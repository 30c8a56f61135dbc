// A backend that echoes our request back (the bearer token in its 500 and 2xx bodies), and job
// rows naming hostile paths, against the real program: `spooky-temporal start` as an operator
// runs it (its log lines captured), a Temporal dev server, SurrealDB shared over ws:// with the
// test, `temporal workflow show` and `jobs get` from "another terminal".
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { StringRecordId } from 'surrealdb';
import { startSurrealRelay, type SurrealRelay } from '../../chaos/surrealRelay.js';
import { findTemporalCli } from '../../src/adapters/temporal/findTemporalCli.js';
import type { DevServer } from '../../src/adapters/temporal/devServer.js';
import { startTestBackend, json, type TestBackend } from '../helpers/backend.js';
import { insertJob, startTemporal, waitFor } from '../helpers/harness.js';
import { runProcess, type Run } from '../helpers/runProcess.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const MAIN = path.join(ROOT, 'src/app/cli/main.ts');
// Planted secrets, with characters that change under URL and base64 encoding.
const TOKEN = 'tok_echo/5a4b+3c2d=1e0f9g8h';
const DB_PASSWORD = 'db-pass/7y6t+5r4e3w';
const NS = 'test';
const DB = 'hostile';

let temporal: DevServer;
let relay: SurrealRelay;
let backend: TestBackend;
let dir: string;
let configFile: string;
let start: ChildProcess | undefined;
let startOutput = '';
const jobs: Record<'error' | 'ok' | 'legacyRow', string> = { error: '', ok: '', legacyRow: '' };

/** The characters of base64(prefix + secret) that depend on the secret alone. */
function base64Inside(prefix: string, secret: string): string {
  const encoded = Buffer.from(prefix + secret).toString('base64');
  return encoded.slice(Math.ceil(prefix.length / 3) * 4, Math.floor((prefix.length + secret.length) / 3) * 4);
}

/** Every trace of a planted secret found in `text`. */
function traces(text: string): string[] {
  const forms = [
    TOKEN,
    TOKEN.slice(0, 12),
    encodeURIComponent(TOKEN),
    Buffer.from(TOKEN).toString('base64'),
    base64Inside('Bearer ', TOKEN),
    DB_PASSWORD,
    encodeURIComponent(DB_PASSWORD),
    base64Inside('root:', DB_PASSWORD),
  ];
  return forms.filter((form) => text.includes(form));
}

function cleanEnv(): NodeJS.ProcessEnv {
  const env = { ...process.env };
  for (const name of ['SURREAL_URL', 'SURREAL_NS', 'SURREAL_DB', 'SURREAL_USER', 'SURREAL_PASS', 'SPKY_CONFIG', 'SPKY_JOB_CONFIG', 'TEMPORAL_ADDRESS', 'TEMPORAL_NAMESPACE']) {
    delete env[name];
  }
  return { ...env, NO_COLOR: '1', SURREAL_URL: relay.url, SURREAL_NS: NS, SURREAL_DB: DB, TEMPORAL_ADDRESS: temporal.address, LOG_LEVEL: 'info' };
}

/** Runs a command like a second terminal would, without blocking this process (it serves the relay); killed after 60 s. */
function run(command: string, args: string[]): Promise<Run> {
  return runProcess(command, args, cleanEnv());
}

async function row(id: string): Promise<Record<string, unknown> | undefined> {
  const [rows] = await relay.db.query<[Record<string, unknown>[]]>('SELECT * FROM $id', { id: new StringRecordId(id) });
  return rows?.[0];
}

async function terminalRow(id: string): Promise<Record<string, unknown>> {
  return waitFor(`job ${id} to finish`, async () => {
    const r = await row(id);
    return r && (r['status'] === 'success' || r['status'] === 'failed') ? r : undefined;
  }, 90_000);
}

before(async () => {
  [temporal, backend] = await Promise.all([
    startTemporal(),
    startTestBackend({
      // Echoes our headers in an error page, and its own database settings too.
      '/hooks/echo-error': (req, res) => {
        res.writeHead(500, { 'content-type': 'text/plain' });
        res.end(`upstream failed for request ${JSON.stringify(req.headers)}; DATABASE_URL=ws://root:${DB_PASSWORD}@db; basic ${Buffer.from(`root:${DB_PASSWORD}`).toString('base64')}`);
      },
      // Echoes them in a 2xx body: as values, as a key, URL-encoded and base64-encoded.
      '/hooks/echo-ok': (req, res) => {
        const auth = String(req.headers.authorization);
        json(res, 200, { received: req.headers, [auth]: 'as a key', encoded: { url: encodeURIComponent(auth), base64: Buffer.from(auth).toString('base64') } });
      },
    }),
  ]);
  relay = await startSurrealRelay({ url: 'mem://', namespace: NS, database: DB });
  dir = await mkdtemp(path.join(tmpdir(), 'spooky-hostile-'));
  configFile = path.join(dir, 'sp00ky.yml');
  await writeFile(
    configFile,
    [
      'surrealdb:',
      `  password: "${DB_PASSWORD}"`,
      'apps:',
      '  api:',
      '    type: backend',
      `    baseUrl: ${backend.url}`,
      `    auth: { type: token, token: "${TOKEN}" }`,
      '    method: { type: outbox, table: job, allowedPaths: [/hooks/], backoff: { baseMs: 50, maxMs: 200 } }',
      '    deploy: { timeout: 5 }',
      '  legacy:',
      '    type: backend',
      `    baseUrl: ${backend.url}`,
      '    method: { type: outbox, table: legacy_job, allowAnyPath: true }',
      '',
    ].join('\n'),
  );
  start = spawn(process.execPath, ['--import', 'tsx', MAIN, 'start', '--config', configFile, '--deploy-schema', '--reconcile-interval', '1000'], {
    cwd: ROOT,
    env: cleanEnv(),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  start.stdout!.on('data', (chunk: Buffer) => (startOutput += chunk.toString()));
  start.stderr!.on('data', (chunk: Buffer) => (startOutput += chunk.toString()));
  await waitFor('start to log "runner started"', () => startOutput.includes('runner started'), 120_000);

  jobs.error = await insertJob(relay.db, { path: '/hooks/echo-error', max_retries: 1 });
  jobs.ok = await insertJob(relay.db, { path: '/hooks/echo-ok' });
  // A row as an older release left it: the token already in its errors and result.
  const [legacy] = await relay.db.query<[{ id: unknown }[]]>(
    "CREATE job CONTENT { path: '/hooks/old', payload: '{}', max_retries: 0, retry_strategy: 'linear', status: 'failed', errors: [{ code: 500, reason: $reason, attempt: 1, at: '2026-01-01T00:00:00Z' }], result: { echoed: $bearer } } RETURN id",
    { reason: `echo Bearer ${TOKEN}`, bearer: `Bearer ${TOKEN}` },
  );
  jobs.legacyRow = String(legacy?.[0]?.id);
  await Promise.all([terminalRow(jobs.error), terminalRow(jobs.ok)]);
});

after(async () => {
  if (start && start.exitCode === null) {
    const exited = new Promise((resolve) => start!.once('exit', resolve));
    start.kill('SIGTERM');
    const timer = setTimeout(() => start!.kill('SIGKILL'), 20_000);
    await exited;
    clearTimeout(timer);
  }
  await relay?.close();
  await backend?.close();
  await temporal?.stop();
  if (dir) await rm(dir, { recursive: true, force: true });
});

void test('the backend really received the token, and echoed it back in a 500 and a 2xx body', () => {
  const calls = backend.requests.filter((r) => r.path.startsWith('/hooks/echo-'));
  assert.ok(calls.length >= 3, `expected 2 error attempts and 1 success, got ${calls.length}`);
  assert.ok(calls.every((r) => r.headers.authorization === `Bearer ${TOKEN}`));
});

void test('the row keeps the echoed error reasons and result, with every configured secret replaced by [redacted]', async () => {
  const failed = (await row(jobs.error))!;
  const succeeded = (await row(jobs.ok))!;
  assert.equal(failed['status'], 'failed');
  assert.equal(succeeded['status'], 'success');
  const errors = failed['errors'] as { code: number; reason: string }[];
  assert.equal(errors.length, 2);
  for (const error of errors) {
    assert.equal(error.code, 500);
    assert.match(error.reason, /"authorization":"Bearer \[redacted\]"/);
    assert.match(error.reason, /DATABASE_URL=ws:\/\/root:\[redacted\]@db/);
  }
  const result = succeeded['result'] as { received: Record<string, string> };
  assert.equal(result.received['authorization'], 'Bearer [redacted]');
  assert.deepEqual(traces(JSON.stringify([failed, succeeded])), []);
});

void test('the workflow histories, as `temporal workflow show -o json` prints them, hold no trace of the token or the database password', async () => {
  const cli = await findTemporalCli();
  for (const id of [jobs.error, jobs.ok]) {
    const shown = await run(cli, ['workflow', 'show', '-w', id, '-o', 'json', '--address', temporal.address]);
    assert.equal(shown.status, 0, shown.stderr);
    // The echoes are in the history (base64 payloads decoded here), scrubbed.
    const decoded = shown.stdout.replace(/"data":\s*"([A-Za-z0-9+/=]+)"/g, (_, data: string) => Buffer.from(data, 'base64').toString('utf8'));
    assert.match(decoded, /\[redacted\]/, `history of ${id} shows the echo`);
    assert.deepEqual(traces(shown.stdout), [], `raw history of ${id}`);
    assert.deepEqual(traces(decoded), [], `decoded history of ${id}`);
  }
});

void test('the start log lines hold no trace of them, though they carry the echoed error', () => {
  assert.match(startOutput, /job job:\S+ failed/);
  assert.match(startOutput, /Bearer \[redacted\]/);
  assert.deepEqual(traces(startOutput), []);
});

void test('`jobs get` prints no trace of them, also for a row an older release wrote with the token in it', async () => {
  const common = ['--import', 'tsx', MAIN, 'jobs', 'get', '--config', configFile, '--url', relay.url, '--namespace', NS, '--database', DB];
  for (const id of [jobs.error, jobs.ok, jobs.legacyRow]) {
    for (const format of [['--json'], []]) {
      const shown = await run(process.execPath, [...common.slice(0, 5), id, ...common.slice(5), ...format]);
      assert.equal(shown.status, 0, shown.stderr);
      assert.match(shown.stdout, /\[redacted\]/, `${id} ${format.join(' ')} shows the echo`);
      assert.deepEqual(traces(shown.stdout + shown.stderr), [], `${id} ${format.join(' ')}`);
    }
  }
});

void test('start warns once about a backend without a spec that accepts any path', () => {
  const warnings = startOutput.split('\n').filter((line) => line.includes('"level":40') && line.includes('allowAnyPath'));
  assert.equal(warnings.length, 1, startOutput);
  assert.match(warnings[0]!, /backend legacy has no OpenAPI spec and allowAnyPath: true/);
});

void test('hostile paths fail as invalid without a call: outside allowedPaths, `..;`, Unicode dots, also on a backend that allows any path', async () => {
  const outside = ['/admin', '/hooks-admin', '/hooks/..;/admin', '/hooks/%EF%BC%8E%EF%BC%8E/admin', '/hooks/\uff0e\uff0e/admin', '/hooks/x\u2215..\u2215admin'];
  const anyPath = ['/..;/admin', '/%E2%80%A4%E2%80%A4/admin', '/x\uff3c..\uff3cadmin'];
  const ids = [
    ...(await Promise.all(outside.map((p) => insertJob(relay.db, { path: p })))),
    ...(await Promise.all(anyPath.map((p) => insertJob(relay.db, { path: p }, 'legacy_job')))),
  ];
  const allowed = await insertJob(relay.db, { path: '/anything/goes' }, 'legacy_job');
  for (const [i, id] of ids.entries()) {
    const r = await terminalRow(id).catch(async (error: unknown) => {
      throw new Error(`${[...outside, ...anyPath][i]}: ${String(error)}; row ${JSON.stringify(await row(id))}`);
    });
    assert.equal(r['status'], 'failed', id);
    const errors = r['errors'] as { code: string }[];
    assert.equal(errors[0]?.code, 'invalid', `${id}: ${JSON.stringify(errors)}`);
  }
  assert.equal((await terminalRow(allowed))['status'], 'success');
  const hostileCalls = backend.requests.filter((r) => !r.path.startsWith('/hooks/echo-') && r.path !== '/anything/goes');
  assert.deepEqual(hostileCalls.map((r) => r.path), []);
});
