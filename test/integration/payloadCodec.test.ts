// Payload encryption on the real components: a dev server, the embedded SurrealDB, a real backend,
// runners with the AES-256-GCM codec, `temporal workflow show -o json` for the raw history and the
// codec server for the Web UI. Distinctive strings in the payload, the backend's answer, an error
// reason and a schedule's payload must never reach Temporal in clear, yet decode with the keys.
import assert from 'node:assert/strict';
import { randomBytes, randomUUID } from 'node:crypto';
import { after, before, test } from 'node:test';
import { StringRecordId, type Surreal } from 'surrealdb';
import { Client, Connection } from '@temporalio/client';
import type { DevServer } from '../../src/adapters/temporal/devServer.js';
import { findTemporalCli } from '../../src/adapters/temporal/findTemporalCli.js';
import { startCodecServer, type CodecServer } from '../../src/adapters/temporal/codecServer.js';
import { payloadCodecFor } from '../../src/adapters/temporal/dataConverter.js';
import { createLogger, silentLogger } from '../../src/adapters/logger.js';
import { getWorkflowBundle } from '../../src/orchestration/worker/workflowBundle.js';
import { workflowIdFor } from '../../src/core/workflowId.js';
import { scheduleIdFor } from '../../src/core/scheduledJobId.js';
import { PayloadCodecError } from '../../src/core/errors.js';
import type { ConfigObject } from '../../src/config/loadConfig.js';
import { insertJob, openTestDb, startRunner, startTemporal, testConfig, waitFor, waitForTerminal } from '../helpers/harness.js';
import { json, startTestBackend, type TestBackend } from '../helpers/backend.js';
import { runProcess, ROOT } from '../helpers/runProcess.js';

const keys = { a: randomBytes(32).toString('base64'), b: randomBytes(32).toString('base64') };
const MARK = randomUUID().slice(0, 8);
const PAYLOAD = `payload-${MARK}`;
const ANSWER = `answer-${MARK}`;
const REASON = `reason-${MARK}`;
const SCHEDULED = `scheduled-${MARK}`;
const TOKEN = 'codec-test-token-0123456789abcdef';
const UI_ORIGIN = 'http://localhost:8233';

let temporal: DevServer;
let backend: TestBackend;
let db: Surreal;
let codecServer: CodecServer;

before(async () => {
  [temporal, backend, { db }] = await Promise.all([
    startTemporal(),
    startTestBackend({
      '/echo': (req, res) => json(res, 200, { answer: ANSWER, got: req.body }),
      '/flaky': (_req, res) => json(res, 500, { error: REASON }),
    }),
    openTestDb(),
  ]);
  const codec = payloadCodecFor({ keys: [{ id: 'a', key: keys.a }, { id: 'b', key: keys.b }] });
  codecServer = await startCodecServer({ codec, host: '127.0.0.1', port: 0, uiOrigins: [UI_ORIGIN], token: TOKEN, logger: silentLogger() });
});

after(async () => {
  await Promise.all([backend?.close(), codecServer?.close()]);
  await db?.close();
  await temporal?.stop();
});

/** A runner's config with these keys; restarts of one runner share its task queue. */
function codecConfig(codecKeys: string, extra: Partial<ConfigObject> & { taskQueue?: string } = {}): ConfigObject {
  const { taskQueue, ...rest } = extra;
  const base = testConfig(temporal, backend.url, { ...rest, ...(taskQueue ? { backendOverrides: { taskQueue } } : {}) });
  return { ...base, temporal: { address: temporal.address, namespace: 'default', codecKeys } };
}

const encrypted = () => getWorkflowBundle({ encodeFailures: true });

/** A delay long enough for the first runner to stop before the job is due, on a busy machine. */
const DUE_AFTER_RESTART_MS = 3_000;

async function statusOf(id: string): Promise<unknown> {
  const [rows] = await db.query<[{ status: string }[]]>('SELECT status FROM $id', { id: new StringRecordId(id) });
  return rows?.[0]?.status;
}

async function temporalCli(args: string[]): Promise<string> {
  const shown = await runProcess(await findTemporalCli(), [...args, '-o', 'json', '--address', temporal.address]);
  assert.equal(shown.status, 0, shown.stderr);
  return shown.stdout;
}

/** The text of a CLI answer with every base64 field decoded too: what anyone with Temporal access reads. */
function readable(text: string): string {
  return text + text.replace(/"([A-Za-z0-9+/]{4,}={0,2})"/g, (_, b64: string) => Buffer.from(b64, 'base64').toString('utf8'));
}

type JsonPayload = { metadata?: Record<string, string>; data?: string };

/**
 * Every payload in a JSON document (objects with an `encoding` in their metadata), but search
 * attributes: Temporal indexes those, so no codec touches them (they hold ids, path and status).
 */
function payloadsIn(value: unknown, into: JsonPayload[] = []): JsonPayload[] {
  if (Array.isArray(value)) value.forEach((v) => payloadsIn(v, into));
  else if (typeof value === 'object' && value !== null) {
    const maybe = value as JsonPayload;
    if (maybe.metadata && typeof maybe.metadata['encoding'] === 'string') into.push(maybe);
    else for (const [key, v] of Object.entries(value)) if (key !== 'searchAttributes') payloadsIn(v, into);
  }
  return into;
}

const keyIdsOf = (payloads: JsonPayload[]) =>
  new Set(payloads.map((p) => Buffer.from(p.metadata?.['encryption-key-id'] ?? '', 'base64').toString('utf8')));

async function decodeThroughServer(payloads: JsonPayload[], headers: Record<string, string> = { Authorization: `Bearer ${TOKEN}` }): Promise<Response> {
  return fetch(`${codecServer.url}/decode`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', 'X-Namespace': 'default', Origin: UI_ORIGIN, ...headers },
    body: JSON.stringify({ payloads }),
  });
}

async function decodedText(payloads: JsonPayload[]): Promise<string> {
  const response = await decodeThroughServer(payloads);
  assert.equal(response.status, 200, await response.clone().text());
  const body = (await response.json()) as { payloads: JsonPayload[] };
  return body.payloads.map((p) => Buffer.from(p.data ?? '', 'base64').toString('utf8')).join('\n');
}

void test('with the codec on, the raw history holds no payload, answer or error reason in clear, and the codec server decodes them', async () => {
  const schedule = { name: `nightly-${randomUUID().slice(0, 8)}`, every: '1h', paused: true, path: '/echo', payload: { note: SCHEDULED } };
  const runner = await startRunner({ db, deploySchema: true, config: codecConfig(`a:${keys.a}`, { schedules: [schedule] }), workflowBundle: await encrypted() });
  let ok: string, failed: string;
  try {
    ok = await insertJob(db, { path: '/echo', payload: { note: PAYLOAD } });
    failed = await insertJob(db, { path: '/flaky', payload: { note: PAYLOAD } });
    assert.equal((await waitForTerminal(runner, ok)).status, 'success');
    assert.equal((await waitForTerminal(runner, failed)).status, 'failed');
    // The runner's own client reads the encrypted schedule action back.
    const listed = (await runner.schedules.list()).find((s) => s.name === schedule.name);
    assert.deepEqual((listed?.definition as { payload?: unknown }).payload, { note: SCHEDULED });
  } finally {
    await runner.stop();
  }
  const histories = { ok: await temporalCli(['workflow', 'show', '-w', workflowIdFor(ok, 1)]), failed: await temporalCli(['workflow', 'show', '-w', workflowIdFor(failed, 1)]) };
  const scheduleShown = await temporalCli(['schedule', 'describe', '--schedule-id', scheduleIdFor(schedule.name)]);
  for (const [name, text] of Object.entries({ ...histories, schedule: scheduleShown })) {
    for (const secret of [PAYLOAD, ANSWER, REASON, SCHEDULED]) assert.ok(!readable(text).includes(secret), `${name} shows ${secret} in clear`);
    assert.deepEqual(keyIdsOf(payloadsIn(JSON.parse(text))), new Set(['a']), `${name}: every payload encrypted with key a`);
  }
  assert.match(histories.failed, /"message":\s*"Encoded failure"/, 'the failure message is encoded too');

  const okText = await decodedText(payloadsIn(JSON.parse(histories.ok)));
  assert.ok(okText.includes(PAYLOAD) && okText.includes(ANSWER), 'the input and the answer decode');
  assert.ok((await decodedText(payloadsIn(JSON.parse(histories.failed)))).includes(REASON), 'the error reason decodes');
  assert.ok((await decodedText(payloadsIn(JSON.parse(scheduleShown)))).includes(SCHEDULED), "the schedule's payload decodes");
  // The `temporal` CLI is a codec-server client too (no Origin header, the token as --codec-auth).
  const throughCli = await temporalCli(['workflow', 'show', '-w', workflowIdFor(failed, 1), '--codec-endpoint', codecServer.url, '--codec-auth', `Bearer ${TOKEN}`]);
  assert.ok(readable(throughCli).includes(REASON), 'temporal workflow show --codec-endpoint decodes the error reason');
});

void test('the codec server answers only callers with the token, and CORS only the configured UI origin', async () => {
  const [payload] = payloadsIn({ p: { metadata: { encoding: Buffer.from('json/plain').toString('base64') }, data: Buffer.from('1').toString('base64') } });
  assert.equal((await decodeThroughServer([payload!], {})).status, 401, 'no token');
  assert.equal((await decodeThroughServer([payload!], { Authorization: 'Bearer not-the-token' })).status, 401, 'a wrong token');
  assert.equal((await decodeThroughServer([payload!], { Origin: 'http://evil.example' })).status, 403, 'another origin');
  const preflight = await fetch(`${codecServer.url}/decode`, {
    method: 'OPTIONS',
    headers: { Origin: UI_ORIGIN, 'Access-Control-Request-Method': 'POST', 'Access-Control-Request-Headers': 'content-type,x-namespace,authorization' },
  });
  assert.equal(preflight.status, 204);
  assert.equal(preflight.headers.get('access-control-allow-origin'), UI_ORIGIN);
  assert.match(preflight.headers.get('access-control-allow-headers') ?? '', /Authorization/);
});

void test('a key rotation mid-run: a job started with key a finishes after a restart with keys a and b; a new job uses b; both histories decode', async () => {
  const taskQueue = `rotation-${randomUUID()}`;
  let runner = await startRunner({ db, config: codecConfig(`a:${keys.a}`, { taskQueue }), workflowBundle: await encrypted() });
  let old: string;
  try {
    old = await insertJob(db, { path: '/echo', payload: { note: `${PAYLOAD}-old` }, delay: DUE_AFTER_RESTART_MS });
    await waitFor('the delayed job to be started in Temporal', async () => (await temporalCli(['workflow', 'describe', '-w', workflowIdFor(old, 1)])).length > 0);
  } finally {
    await runner.stop();
  }
  assert.equal(await statusOf(old), 'pending', 'setup: the job is still waiting for its due time at the restart');
  runner = await startRunner({ db, config: codecConfig(`a:${keys.a},b:${keys.b}`, { taskQueue }), workflowBundle: await encrypted() });
  let fresh: string;
  try {
    fresh = await insertJob(db, { path: '/echo', payload: { note: `${PAYLOAD}-new` } });
    assert.equal((await waitForTerminal(runner, old)).status, 'success');
    assert.equal((await waitForTerminal(runner, fresh)).status, 'success');
  } finally {
    await runner.stop();
  }
  const oldPayloads = payloadsIn(JSON.parse(await temporalCli(['workflow', 'show', '-w', workflowIdFor(old, 1)])));
  const newPayloads = payloadsIn(JSON.parse(await temporalCli(['workflow', 'show', '-w', workflowIdFor(fresh, 1)])));
  assert.deepEqual(keyIdsOf(oldPayloads), new Set(['a', 'b']), 'its input under a, what came after the restart under b');
  assert.deepEqual(keyIdsOf(newPayloads), new Set(['b']), "the new job's payloads name key b");
  assert.ok((await decodedText(oldPayloads)).includes(`${PAYLOAD}-old`));
  assert.ok((await decodedText(newPayloads)).includes(`${PAYLOAD}-new`));
});

void test("a runner that lacks a payload's key logs one clear line naming the key ids and no key; the workflow waits for the key", async () => {
  const taskQueue = `missing-key-${randomUUID()}`;
  let runner = await startRunner({ db, config: codecConfig(`a:${keys.a}`, { taskQueue }), workflowBundle: await encrypted() });
  let job: string;
  try {
    job = await insertJob(db, { path: '/echo', payload: { note: PAYLOAD }, delay: DUE_AFTER_RESTART_MS });
    await waitFor('the delayed job to be started in Temporal', async () => (await temporalCli(['workflow', 'describe', '-w', workflowIdFor(job, 1)])).length > 0);
  } finally {
    await runner.stop();
  }
  assert.equal(await statusOf(job), 'pending', 'setup: the job is still waiting for its due time at the restart');
  const lines: string[] = [];
  const logger = createLogger({ destination: { write: (line: string) => void lines.push(line) }, secrets: [keys.b] });
  // No schedule sync: it would fail at start on the first test's schedule (its memo is under key a).
  runner = await startRunner({ db, config: codecConfig(`b:${keys.b}`, { taskQueue }), workflowBundle: await encrypted(), logger, syncSchedules: false });
  try {
    const line = await waitFor('the decode failure to be logged', () => lines.find((l) => l.includes('cannot decrypt a payload')), 20_000);
    assert.match(line, /encrypted with key id a, which is not among this process's keys \(b\): add that key \(SPKY_CODEC_KEYS or SPKY_CODEC_KEY_FILE\)/);
    assert.equal(await statusOf(job), 'pending', 'the job waits: it is neither run nor failed');
  } finally {
    await runner.stop();
  }
  for (const key of Object.values(keys)) assert.ok(!lines.join('').includes(key), 'no key material in the log');
});

void test('with the codec on, a Temporal client without it, or a workflow bundle that would leave failure messages in clear, is refused at start', async () => {
  const connection = await Connection.connect({ address: temporal.address });
  try {
    await assert.rejects(startRunner({ db, config: codecConfig(`a:${keys.a}`), temporalClient: new Client({ connection }) }), /the Temporal client given to the runner has no payload codec/);
  } finally {
    await connection.close();
  }
  await assert.rejects(startRunner({ db, config: codecConfig(`a:${keys.a}`), workflowBundle: await getWorkflowBundle() }), (error: unknown) => {
    assert.ok(error instanceof PayloadCodecError, String(error));
    assert.match(error.message, /build it with getWorkflowBundle\(\{ encodeFailures: true \}\)/);
    return true;
  });
});

void test('`start` and `codec-server` with a wrong or missing key fail at start with one clear line and exit 1', async () => {
  const env: NodeJS.ProcessEnv = { ...process.env, SPKY_JOB_CONFIG: JSON.stringify([{ name: 'api', base_url: backend.url, allow_any_path: true }]), SURREAL_URL: 'mem://', TEMPORAL_ADDRESS: temporal.address };
  delete env.SPKY_CODEC_KEYS;
  delete env.SPKY_CODEC_KEY_FILE;
  const shortKey = randomBytes(16).toString('base64');
  const cases: [string[], NodeJS.ProcessEnv, RegExp][] = [
    [['start'], { ...env, SPKY_CODEC_KEYS: `a:${shortKey}` }, /^error: environment: SPKY_CODEC_KEYS: entry 1 \(key id a\): the key decodes to 16 bytes: expected 32 bytes of base64/],
    [['start'], { ...env, SPKY_CODEC_KEY_FILE: '/nonexistent/codec-keys' }, /^error: environment: SPKY_CODEC_KEY_FILE: cannot read \/nonexistent\/codec-keys \(no such file\)/],
    [['codec-server', '--port', '0'], { ...env, SPKY_CODEC_SERVER_TOKEN: TOKEN }, /^error: environment: SPKY_CODEC_KEYS: expected the runner's codec keys here or in SPKY_CODEC_KEY_FILE/],
  ];
  for (const [args, caseEnv, expected] of cases) {
    const run = await runProcess(process.execPath, ['--import', 'tsx', `${ROOT}src/app/cli/main.ts`, ...args], caseEnv, 30_000);
    assert.equal(run.status, 1, `${args.join(' ')}: ${run.stderr}`);
    assert.match(run.stderr, expected);
    assert.equal(run.stderr.trim().split('\n').length, 1, `one line: ${run.stderr}`);
    assert.ok(!run.stderr.includes(shortKey));
  }
});
