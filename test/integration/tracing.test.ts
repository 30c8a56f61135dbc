// One trace from the app's request to the backend's handler, against real components: the app
// (its own OpenTelemetry SDK, an in-memory exporter) enqueues inside a request span; the runner,
// traced into the same exporter, starts the workflow in the row's trace; the backend reads the
// `traceparent` it receives and makes its handler span from it, as a traced backend would.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, test } from 'node:test';
import { context as otelContext, defaultTextMapGetter, ROOT_CONTEXT, SpanKind, trace, type Tracer } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor, type ReadableSpan } from '@opentelemetry/sdk-trace-base';
import type { DevServer } from '../../src/adapters/temporal/devServer.js';
import { getWorkflowBundle } from '../../src/orchestration/worker/workflowBundle.js';
import { json, startTestBackend, type Handler, type TestBackend } from '../helpers/backend.js';
import { openTestDb, startRunner, startTemporal, TEST_SPEC, TEST_TOKEN, testConfig, waitFor, waitForTerminal } from '../helpers/harness.js';
import { ROOT } from '../helpers/runProcess.js';
import { startSurrealRelay } from '../../chaos/surrealRelay.js';

let temporal: DevServer;
let backend: TestBackend;
const exported = new InMemorySpanExporter();
let appTracer: Tracer;
const w3c = new W3CTraceContextPropagator();

before(async () => {
  // The app's own SDK, registered globally as an app does (no global propagator: the runner
  // must not depend on the app's).
  otelContext.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
  const appProvider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exported)] });
  trace.setGlobalTracerProvider(appProvider);
  appTracer = trace.getTracer('the-app');
  [temporal, backend] = await Promise.all([startTemporal(), startTestBackend()]);
  // The backend's handler span, from the traceparent it received.
  const handle = (status: (attempt: number) => number): Handler => (req, res) => {
    if (req.headers['traceparent']) appTracer.startSpan('backend handler', { kind: SpanKind.SERVER }, w3c.extract(ROOT_CONTEXT, req.headers, defaultTextMapGetter)).end();
    json(res, status(req.attempt), {});
  };
  backend.route('/flaky', handle((attempt) => (attempt === 1 ? 503 : 200)));
  backend.route('/echo', handle(() => 200));
});

after(async () => {
  await backend?.close();
  await temporal?.stop();
});

const traced = async () => ({ workflowBundle: await getWorkflowBundle({ traced: true }), tracing: { spanProcessor: new SimpleSpanProcessor(exported) } });
const spanId = (traceparent: string | undefined) => traceparent?.split('-')[2];
const traceId = (traceparent: string | undefined) => traceparent?.split('-')[1];

function byName(spans: ReadableSpan[], name: string): ReadableSpan[] {
  return spans.filter((s) => s.name === name).sort((a, b) => hrMs(a.startTime) - hrMs(b.startTime));
}
function one(spans: ReadableSpan[], name: string): ReadableSpan {
  const found = byName(spans, name);
  assert.equal(found.length, 1, `one span named ${name}; got ${found.length} among ${spans.map((s) => s.name).join(', ')}`);
  return found[0]!;
}
const hrMs = ([s, ns]: [number, number]) => s * 1000 + ns / 1e6;
const parentOf = (span: ReadableSpan) => span.parentSpanId;

void test('the backend receives a traceparent in the enqueue span’s trace, and the spans nest in order: request → enqueue → start → workflow → attempt 1 → backoff wait → attempt 2 → HTTP call → handler', async () => {
  const { db } = await openTestDb();
  const runner = await startRunner({ config: testConfig(temporal, backend.url), db, deploySchema: true, ...(await traced()) });
  try {
    let jobId = '';
    await appTracer.startActiveSpan('app request', async (request) => {
      jobId = await runner.jobs.enqueue('api', '/flaky', {}, { maxRetries: 2 });
      request.end();
    });
    const row = await waitForTerminal(runner, jobId);
    assert.equal(row.status, 'success');

    const requests = backend.requestsFor(jobId);
    assert.equal(requests.length, 2);
    const spans = await waitFor('the job’s spans to be exported', () => {
      const all = exported.getFinishedSpans();
      const inTrace = all.filter((s) => s.spanContext().traceId === one(all, 'app request').spanContext().traceId);
      // The workflow's span ends last, after its result: wait for it too.
      return byName(inTrace, 'backend handler').length === 2 && byName(inTrace, 'RunWorkflow:runJob').length === 1 ? all : undefined;
    }, 15_000);
    const request = one(spans, 'app request');
    const enqueue = one(spans, 'enqueue /flaky');
    const trace_ = enqueue.spanContext().traceId;
    const inTrace = spans.filter((s) => s.spanContext().traceId === trace_);

    // The row stores the enqueue span's context; the backend gets that trace on both attempts.
    assert.equal(parentOf(enqueue), request.spanContext().spanId);
    assert.equal(row.traceparent, `00-${trace_}-${enqueue.spanContext().spanId}-01`);
    for (const received of requests) assert.equal(traceId(received.headers['traceparent'] as string), trace_);

    const start = one(inTrace, 'StartWorkflow:runJob');
    const run = one(inTrace, 'RunWorkflow:runJob');
    const [attempt1, attempt2] = byName(inTrace, 'attempt 1').concat(byName(inTrace, 'attempt 2'));
    const backoff = one(inTrace, 'wait: backoff');
    assert.deepEqual(byName(inTrace, 'wait: delay'), [], 'a job without a delay has no delay span');
    const calls = byName(inTrace, 'POST /flaky');
    const handlers = byName(inTrace, 'backend handler');
    assert.ok(attempt1 && attempt2, 'a span per attempt');
    assert.equal(calls.length, 2);
    assert.equal(parentOf(start), enqueue.spanContext().spanId);
    assert.equal(parentOf(run), start.spanContext().spanId);
    // Workflow spans name their run, without the rest of the workflow's info (search attributes hold the raw path).
    assert.equal(run.attributes['workflowType'], 'runJob');
    assert.deepEqual(Object.keys(backoff.attributes).filter((k) => !k.startsWith('spooky.')).sort(), ['attempt', 'namespace', 'runId', 'taskQueue', 'workflowId', 'workflowType']);
    for (const span of [attempt1, backoff, attempt2]) assert.equal(parentOf(span), run.spanContext().spanId, `${span.name} is the workflow's child`);

    // Each call: attempt → StartActivity → RunActivity → POST → the backend's handler.
    [attempt1, attempt2].forEach((attempt, i) => {
      const startActivity = inTrace.find((s) => s.name === 'StartActivity:runAttempt' && parentOf(s) === attempt.spanContext().spanId);
      assert.ok(startActivity, `attempt ${i + 1} schedules its activity in its span`);
      const runActivity = inTrace.find((s) => s.name === 'RunActivity:runAttempt' && parentOf(s) === startActivity.spanContext().spanId);
      assert.ok(runActivity, `attempt ${i + 1}'s activity runs in the scheduling span`);
      const call = calls.find((s) => parentOf(s) === runActivity.spanContext().spanId);
      assert.ok(call, `attempt ${i + 1}'s HTTP call is the activity's child`);
      assert.equal(call.kind, SpanKind.CLIENT);
      assert.equal(call.attributes['http.response.status_code'], i === 0 ? 503 : 200);
      // The header the backend received is this call's span, and its handler is the call's child.
      assert.equal(spanId(requests[i]!.headers['traceparent'] as string), call.spanContext().spanId);
      assert.ok(handlers.some((h) => parentOf(h) === call.spanContext().spanId), `attempt ${i + 1}'s handler span is the call's child`);
    });

    // In order: attempt 1 ends, the backoff wait runs, then attempt 2 begins.
    assert.ok(hrMs(backoff.startTime) >= hrMs(attempt1.endTime) - 1, 'the backoff starts after attempt 1 ends');
    assert.ok(hrMs(attempt2.startTime) >= hrMs(backoff.endTime) - 1, 'attempt 2 starts after the backoff ends');
    assert.ok(hrMs(backoff.endTime) - hrMs(backoff.startTime) >= 50, 'the backoff span lasts the wait (100 ms base)');
  } finally {
    await runner.stop();
  }
});

void test('a delayed job’s wait is a span of its workflow, a row written by the app with its own traceparent is started in that trace, and a retry runs in the retry’s trace', async () => {
  const { db } = await openTestDb();
  const runner = await startRunner({ config: testConfig(temporal, backend.url), db, deploySchema: true, ...(await traced()) });
  try {
    const traceparent = '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01';
    const [rows] = await db.query<[{ id: unknown }[]]>(
      `CREATE job CONTENT { path: '/echo', payload: '{}', max_retries: 0, retry_strategy: 'linear', status: 'pending', delay: 1500, traceparent: $traceparent } RETURN id`,
      { traceparent },
    );
    const jobId = String(rows[0]!.id);
    assert.equal((await waitForTerminal(runner, jobId)).status, 'success');
    assert.equal(traceId(backend.requestsFor(jobId)[0]!.headers['traceparent'] as string), '0af7651916cd43dd8448eb211c80319c');
    const inTrace = await waitFor('the delayed job’s spans', () => {
      const spans = exported.getFinishedSpans().filter((s) => s.spanContext().traceId === '0af7651916cd43dd8448eb211c80319c');
      return spans.some((s) => s.name === 'backend handler') && spans.some((s) => s.name === 'RunWorkflow:runJob') ? spans : undefined;
    }, 15_000).catch((error: Error) => {
      const names = exported.getFinishedSpans().map((s) => `${s.name}(${s.spanContext().traceId.slice(0, 6)})`);
      throw new Error(`${error.message}; spans: ${names.join(', ')}; received: ${JSON.stringify(backend.requestsFor(jobId)[0]?.headers['traceparent'])}`);
    });
    const start = one(inTrace, 'StartWorkflow:runJob');
    assert.equal(parentOf(start), 'b7ad6b7169203331', 'the start is a child of the row’s traceparent');
    const run = one(inTrace, 'RunWorkflow:runJob');
    const delay = one(inTrace, 'wait: delay');
    const attempt = one(inTrace, 'attempt 1');
    assert.equal(parentOf(delay), run.spanContext().spanId);
    assert.ok(hrMs(delay.endTime) - hrMs(delay.startTime) >= 1_000, `the delay span covers the 1.5 s delay (${hrMs(delay.endTime) - hrMs(delay.startTime)} ms)`);
    assert.ok(hrMs(attempt.startTime) >= hrMs(delay.endTime) - 1, 'the attempt starts after the delay');

    // Killed during its delay: one delay span, from the workflow's start to the kill.
    const killedTrace = await appTracer.startActiveSpan('app request (to be undone)', async (span) => {
      const id = await runner.jobs.enqueue('api', '/echo', {}, { delay: 30_000 });
      span.end();
      await waitFor('the delayed job’s workflow', async () => (await runner.jobs.get(id))?.assignee !== undefined || exported.getFinishedSpans().some((s) => s.name === 'StartWorkflow:runJob' && s.spanContext().traceId === span.spanContext().traceId), 15_000);
      await new Promise((resolve) => setTimeout(resolve, 800));
      await runner.jobs.kill(id, { waitMs: 10_000 });
      return span.spanContext().traceId;
    });
    const killedSpans = await waitFor('the killed job’s workflow span', () => {
      const spans = exported.getFinishedSpans().filter((s) => s.spanContext().traceId === killedTrace);
      return spans.some((s) => s.name === 'RunWorkflow:runJob') ? spans : undefined;
    }, 15_000);
    const killedDelay = one(killedSpans, 'wait: delay');
    assert.ok(hrMs(killedDelay.endTime) - hrMs(killedDelay.startTime) >= 700, 'the delay span runs from the start to the kill');
    assert.equal(byName(killedSpans, 'attempt 1').length, 0, 'no attempt after a kill in the delay');

    // A retry runs in the retry's trace: the operator's span, then `retry job`, then the new run.
    const retried = await appTracer.startActiveSpan('operator retry', async (span) => {
      await runner.jobs.retry(jobId);
      span.end();
      return span.spanContext().traceId;
    });
    await waitFor('the retried run to call the backend', () => backend.requestsFor(jobId).length === 2, 30_000);
    assert.equal(traceId(backend.requestsFor(jobId)[1]!.headers['traceparent'] as string), retried);
    assert.equal(traceId((await runner.jobs.get(jobId))!.traceparent), retried, 'the row now holds the retry’s trace');
  } finally {
    await runner.stop();
  }
});

void test('with tracing off the runner makes no span and sends no traceparent, even for a row that carries one; a malformed traceparent on a row is ignored', async () => {
  const { db } = await openTestDb();
  const runner = await startRunner({ config: testConfig(temporal, backend.url), db, deploySchema: true });
  try {
    const before = exported.getFinishedSpans().length;
    let jobId = '';
    await appTracer.startActiveSpan('app request (untraced runner)', async (request) => {
      jobId = await runner.jobs.enqueue('api', '/echo', {});
      request.end();
    });
    const [rows] = await db.query<[{ id: unknown }[]]>(
      `CREATE job CONTENT { path: '/echo', payload: '{}', max_retries: 0, retry_strategy: 'linear', status: 'pending', traceparent: 'not-a-traceparent' } RETURN id`,
    );
    const malformed = String(rows[0]!.id);
    for (const id of [jobId, malformed]) assert.equal((await waitForTerminal(runner, id)).status, 'success');
    for (const id of [jobId, malformed]) assert.equal(backend.requestsFor(id)[0]!.headers['traceparent'], undefined);
    // Only the app's own spans: its request and its enqueue.
    assert.deepEqual(
      exported.getFinishedSpans().slice(before).map((s) => s.name).sort(),
      ['app request (untraced runner)', 'enqueue /echo'],
    );
  } finally {
    await runner.stop();
  }
});

void test('with OTEL_TRACES_SAMPLER=always_off the runner records no span, and the backend still gets the trace id, marked unsampled', async () => {
  const { db } = await openTestDb();
  process.env['OTEL_TRACES_SAMPLER'] = 'always_off';
  const runner = await startRunner({ config: testConfig(temporal, backend.url), db, deploySchema: true, ...(await traced()) }).finally(() => {
    delete process.env['OTEL_TRACES_SAMPLER'];
  });
  try {
    const before = exported.getFinishedSpans().length;
    const traceparent = '00-5bf92f3577b34da6a3ce929d0e0e4736-10f067aa0ba902b7-01';
    const [rows] = await db.query<[{ id: unknown }[]]>(
      `CREATE job CONTENT { path: '/echo', payload: '{}', max_retries: 0, retry_strategy: 'linear', status: 'pending', traceparent: $traceparent } RETURN id`,
      { traceparent },
    );
    const jobId = String(rows[0]!.id);
    assert.equal((await waitForTerminal(runner, jobId)).status, 'success');
    const received = backend.requestsFor(jobId)[0]!.headers['traceparent'] as string;
    assert.equal(traceId(received), '5bf92f3577b34da6a3ce929d0e0e4736');
    assert.match(received, /-00$/, 'flags 00: not sampled');
    await runner.stop();
    // Nothing: not the runner's spans, nor the backend's, whose parent-based sampler follows the 00.
    assert.deepEqual(exported.getFinishedSpans().slice(before).map((s) => s.name), []);
  } finally {
    await runner.stop();
  }
});

/** An OTLP/HTTP collector on 127.0.0.1: keeps every span it receives (OTLP JSON). */
async function startCollector(): Promise<{ url: string; spans: { name: string; traceId: string; service: string }[]; close: () => Promise<void> }> {
  const spans: { name: string; traceId: string; service: string }[] = [];
  const server: Server = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk: Buffer) => (body += chunk.toString()));
    req.on('end', () => {
      type Otlp = { resourceSpans?: { resource?: { attributes?: { key: string; value: { stringValue?: string } }[] }; scopeSpans?: { spans?: { name: string; traceId: string }[] }[] }[] };
      const parsed = JSON.parse(body) as Otlp;
      for (const resource of parsed.resourceSpans ?? []) {
        const service = resource.resource?.attributes?.find((a) => a.key === 'service.name')?.value.stringValue ?? '';
        for (const scope of resource.scopeSpans ?? []) for (const span of scope.spans ?? []) spans.push({ name: span.name, traceId: span.traceId, service });
      }
      res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}`, spans, close: () => new Promise((resolve) => server.close(() => resolve())) };
}

void test('`start` with OTEL_EXPORTER_OTLP_ENDPOINT sends the job’s spans over OTLP to a collector, in the trace of the row’s traceparent', async () => {
  const collector = await startCollector();
  const relay = await startSurrealRelay({ url: 'mem://', namespace: 'otlp', database: 'otlp' });
  const env = {
    ...process.env,
    SPKY_JOB_CONFIG: JSON.stringify([{ name: 'api', table: 'job', base_url: backend.url, auth_token: TEST_TOKEN, spec: TEST_SPEC }]),
    SURREAL_URL: relay.url,
    SURREAL_NS: 'otlp',
    SURREAL_DB: 'otlp',
    TEMPORAL_ADDRESS: temporal.address,
    SPKY_METRICS_PORT: '0',
    SPKY_SDK_METRICS_PORT: '0',
    OTEL_EXPORTER_OTLP_ENDPOINT: collector.url,
    OTEL_SERVICE_NAME: 'jobs-runner',
    LOG_LEVEL: 'info',
  };
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/app/cli/main.ts', 'start', '--deploy-schema'], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  try {
    await waitFor('the runner process to start', () => output.includes('runner started'), 60_000).catch((error: Error) => {
      throw new Error(`${error.message}; its output:\n${output.slice(-3_000)}`);
    });
    assert.match(output, /tracing on/);
    const traceparent = '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01';
    const [rows] = await relay.db.query<[{ id: unknown }[]]>(
      `CREATE job CONTENT { path: '/echo', payload: '{}', max_retries: 0, retry_strategy: 'linear', status: 'pending', traceparent: $traceparent } RETURN id`,
      { traceparent },
    );
    const jobId = String(rows[0]!.id);
    await waitFor('the backend to be called', () => backend.requestsFor(jobId).length === 1, 30_000);
    // Batched: sent within the processor's 5 s delay.
    const names = await waitFor('the spans at the collector', () => {
      const ours = collector.spans.filter((s) => s.traceId === '4bf92f3577b34da6a3ce929d0e0e4736');
      const names = new Set(ours.map((s) => s.name));
      return ['StartWorkflow:runJob', 'RunWorkflow:runJob', 'attempt 1', 'RunActivity:runAttempt', 'POST /echo'].every((n) => names.has(n)) ? names : undefined;
    }, 30_000).catch((error: Error) => {
      throw new Error(`${error.message}; received: ${collector.spans.map((s) => `${s.name}(${s.traceId.slice(0, 6)})`).join(', ')}`);
    });
    assert.ok(names.size >= 5);
    assert.ok(collector.spans.every((s) => s.service === 'jobs-runner'), 'spans carry OTEL_SERVICE_NAME');
  } finally {
    child.kill('SIGKILL');
    await relay.close();
    await collector.close();
  }
});
