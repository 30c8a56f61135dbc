import { test } from 'node:test';
import assert from 'node:assert/strict';
import { JobNotFoundError, JobStateError, InvalidJobError, UnreachableError } from '../../src/core/errors.js';
import { AmbiguousJobIdError, RemoteOperationError, describeError, exitCodeFor, UsageError } from '../../src/app/cli/cliErrors.js';
import { startControlServer } from '../../src/app/cli/controlServer.js';
import { RemoteJobs } from '../../src/app/cli/remoteJobs.js';
import type { EnqueueRequest, JobStats, JobView, JobsBackend } from '../../src/app/cli/jobsBackend.js';
import { CommanderError } from 'commander';
import { request } from 'node:http';

const TOKEN = 'unit-test-token-0123456789';
const VIEW: JobView = {
  id: 'job:abc',
  table: 'job',
  backend: 'api',
  path: '/x',
  payload: { a: 1 },
  status: 'failed',
  retries: 1,
  maxRetries: 3,
  retryStrategy: 'linear',
  delayMs: 0,
  errors: [{ code: 'killed', reason: 'killed by operator', attempt: 1, at: '2026-01-01T00:00:00.000Z' }],
  createdAt: '2026-01-01T00:00:00.000Z',
  run: 1,
  workflowId: 'job:abc',
};
const STATS: JobStats = { counts: { pending: 0, processing: 0, success: 0, failed: 1 }, total: 1, recentSuccesses: 0, recentFailures: 1, windowMinutes: 5 };

/** A JobsBackend whose refs behave like: abc → found, amb → ambiguous, pend → pending, else not found. */
function fakeBackend(): JobsBackend & { enqueued: EnqueueRequest[]; listed: unknown[] } {
  const enqueued: EnqueueRequest[] = [];
  const listed: unknown[] = [];
  const byRef = (ref: string) => {
    if (ref === 'abc' || ref === 'job:abc') return VIEW;
    if (ref === 'amb') throw new AmbiguousJobIdError('amb', ['job:amb1', 'job:amb2'], false);
    if (ref === 'pend') throw new JobStateError('job:pend', 'pending', 'only failed or success jobs can be retried');
    throw new JobNotFoundError(ref);
  };
  return {
    enqueued,
    listed,
    info: () => Promise.resolve({ target: 'fake', tables: ['job'], backends: [{ name: 'api', table: 'job' }], temporalNamespace: 'default' }),
    list: (options) => (listed.push(options), Promise.resolve([VIEW])),
    get: (ref) => Promise.resolve().then(() => byRef(ref)),
    kill: (ref) => Promise.resolve().then(() => ({ outcome: 'already-finished' as const, jobId: byRef(ref).id, status: 'failed' as const })),
    retry: (ref) =>
      Promise.resolve().then(() => ({ outcome: 're-enqueued' as const, jobId: byRef(ref).id, workflowId: 'job:abc~retry-1', run: 2 })),
    clear: (options) => Promise.resolve({ job: options?.all ? 5 : 2 }),
    enqueue: (request) => {
      if (request.path === '/bad') return Promise.reject(new InvalidJobError('(new)', 'path is not declared'));
      enqueued.push(request);
      return Promise.resolve('job:new1');
    },
    stats: () => Promise.resolve(STATS),
    close: () => Promise.resolve(),
  };
}

async function withServer(fn: (remote: RemoteJobs, backend: ReturnType<typeof fakeBackend>, url: string) => Promise<void>) {
  const backend = fakeBackend();
  const server = await startControlServer({ backend, token: TOKEN, port: 0 });
  try {
    await fn(new RemoteJobs({ controlUrl: server.url, token: TOKEN }, 'test/dev.json'), backend, server.url);
  } finally {
    await server.close();
  }
}

void test('RemoteJobs over the control endpoint returns what the backend returns, for every operation', async () => {
  await withServer(async (remote, backend) => {
    assert.equal((await remote.info()).target, 'fake');
    assert.deepEqual(await remote.list({ status: 'failed', table: 'job', limit: 5 }), [VIEW]);
    assert.deepEqual(backend.listed, [{ status: 'failed', table: 'job', limit: 5 }]);
    assert.deepEqual(await remote.get('job:abc'), VIEW);
    assert.deepEqual(await remote.kill('abc'), { outcome: 'already-finished', jobId: 'job:abc', status: 'failed' });
    assert.equal((await remote.retry('abc')).workflowId, 'job:abc~retry-1');
    assert.deepEqual(await remote.clear({ all: true }), { job: 5 });
    assert.deepEqual(await remote.stats(), STATS);
    assert.equal(await remote.enqueue({ backend: 'api', path: '/x', payload: { a: 1 }, delay: 1000 }), 'job:new1');
    assert.deepEqual(backend.enqueued, [{ backend: 'api', path: '/x', payload: { a: 1 }, delay: 1000 }]);
  });
});

void test('operation errors cross the endpoint with their kind: not found and wrong state exit 1, ambiguous lists matches', async () => {
  await withServer(async (remote) => {
    const notFound = await remote.get('nope').catch((e: unknown) => e);
    assert.ok(notFound instanceof RemoteOperationError);
    assert.equal(notFound.kind, 'not-found');
    assert.match(notFound.message, /^no job nope/);
    assert.equal(exitCodeFor(notFound), 1);

    const ambiguous = await remote.get('amb').catch((e: unknown) => e);
    assert.deepEqual((ambiguous as RemoteOperationError).matches, ['job:amb1', 'job:amb2']);
    assert.deepEqual(describeError(ambiguous).slice(1), ['  job:amb1', '  job:amb2']);

    const state = await remote.retry('pend').catch((e: unknown) => e);
    assert.equal((state as RemoteOperationError).kind, 'state');
    assert.equal(exitCodeFor(state), 1);

    const invalid = await remote.enqueue({ backend: 'api', path: '/bad', payload: {} }).catch((e: unknown) => e);
    assert.equal((invalid as RemoteOperationError).kind, 'invalid');
  });
});

void test('the control endpoint refuses requests without the token, for another Host, and bad parameters', async () => {
  await withServer(async (_remote, _backend, url) => {
    assert.equal((await fetch(`${url}/v1/health`)).status, 401);
    // fetch cannot set Host (a DNS-rebinding page would send its own name): use node:http.
    const wrongHost = await new Promise<number>((resolve, reject) => {
      const req = request(`${url}/v1/health`, { headers: { authorization: `Bearer ${TOKEN}`, host: 'evil.example:80' } }, (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      });
      req.on('error', reject);
      req.end();
    });
    assert.equal(wrongHost, 403);
    const ok = await fetch(`${url}/v1/health`, { headers: { authorization: `Bearer ${TOKEN}` } });
    assert.equal(ok.status, 200);
    const badStatus = await fetch(`${url}/v1/jobs?status=weird`, { headers: { authorization: `Bearer ${TOKEN}` } });
    assert.equal(badStatus.status, 400);
    assert.equal(((await badStatus.json()) as { error: { kind: string } }).error.kind, 'usage');
    const form = await fetch(`${url}/v1/clear`, {
      method: 'POST',
      headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/x-www-form-urlencoded' },
      body: 'all=true',
    });
    assert.equal(form.status, 415, 'no form posts');
    const missing = await fetch(`${url}/v1/nothing`, { headers: { authorization: `Bearer ${TOKEN}` } });
    assert.equal(missing.status, 404);
  });
});

void test('a dev instance that is gone is one line saying where it looked and what to do', async () => {
  const remote = new RemoteJobs({ controlUrl: 'http://127.0.0.1:1', token: TOKEN }, '.data/dev.json');
  const error = await remote.list().catch((e: unknown) => e);
  assert.ok(error instanceof UnreachableError);
  const lines = describeError(error);
  assert.equal(lines.length, 1);
  assert.match(lines[0]!, /^error: cannot reach the dev instance at http:\/\/127\.0\.0\.1:1 \(from \.data\/dev\.json\): .*Is `spooky-temporal dev` \(npm start\) still running\?/);
  assert.doesNotMatch(lines[0]!, new RegExp(TOKEN));
});

void test('exit codes: usage errors 2, failed operations 1, help 0; messages are one line', () => {
  assert.equal(exitCodeFor(new CommanderError(1, 'commander.unknownOption', 'x')), 2);
  assert.equal(exitCodeFor(new CommanderError(0, 'commander.helpDisplayed', '(outputHelp)')), 0);
  assert.equal(exitCodeFor(new UsageError('bad')), 2);
  assert.equal(exitCodeFor(new RemoteOperationError('usage', 'bad')), 2);
  assert.equal(exitCodeFor(new JobNotFoundError('job:x')), 1);
  assert.equal(exitCodeFor(new Error('boom')), 1);
  assert.deepEqual(describeError(new UnreachableError('cannot reach\n  Temporal at x:1\n')), ['error: cannot reach Temporal at x:1']);
});
