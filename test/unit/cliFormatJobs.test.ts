import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { JobStats, JobView } from '../../src/app/cli/jobsBackend.js';
import { temporalUiLink, toJobView } from '../../src/app/cli/jobsBackend.js';
import {
  clearLines,
  countsLine,
  footerLines,
  jobDetailLines,
  jobTableLines,
  killLine,
  lastErrorText,
  retryLine,
} from '../../src/app/cli/formatJobs.js';
import { displayWidth, makeColors, stripAnsi, truncate } from '../../src/app/cli/output.js';

const NOW = new Date('2026-01-01T12:00:00.000Z');

function job(overrides: Partial<JobView> = {}): JobView {
  return {
    id: 'job:abc123',
    table: 'job',
    backend: 'api',
    path: '/spookify',
    payload: { id: 'thread:1' },
    status: 'pending',
    retries: 0,
    maxRetries: 3,
    retryStrategy: 'linear',
    delayMs: 0,
    errors: [],
    createdAt: '2026-01-01T11:57:40.000Z',
    run: 1,
    workflowId: 'job:abc123',
    ...overrides,
  };
}

const STATS: JobStats = {
  counts: { pending: 3, processing: 1, success: 12, failed: 4 },
  total: 20,
  recentSuccesses: 10,
  recentFailures: 1,
  windowMinutes: 5,
  oldestPendingAt: '2026-01-01T11:56:40.000Z',
};

void test('the list table has the columns ID BACKEND PATH STATUS RETRY AGE LAST ERROR, one line per job in the given order', () => {
  const lines = jobTableLines(
    [
      job({ id: 'job:new', status: 'failed', retries: 3, errors: [{ code: 503, reason: 'down', attempt: 4, at: '' }] }),
      job({ id: 'job:old', status: 'success', path: '/send-reminder', createdAt: '2026-01-01T09:00:00.000Z' }),
    ],
    { now: NOW },
  );
  assert.match(lines[0]!, /^ID\s+BACKEND\s+PATH\s+STATUS\s+RETRY\s+AGE\s+LAST ERROR$/);
  assert.match(lines[1]!, /^job:new\s+api\s+\/spookify\s+failed\s+3\/3\s+2m20s\s+\[503\] down$/);
  assert.match(lines[2]!, /^job:old\s+api\s+\/send-reminder\s+success\s+0\/3\s+3h$/);
  // Columns line up: STATUS starts at the same column on every line.
  const col = lines[0]!.indexOf('STATUS');
  assert.equal(lines[1]!.indexOf('failed'), col);
  assert.equal(lines[2]!.indexOf('success'), col);
});

void test('LAST ERROR is the latest error as [code] reason, cut to fit the width with an ellipsis', () => {
  const long = 'x'.repeat(300);
  const view = job({ errors: [{ code: 'timeout', reason: 'first', attempt: 1, at: '' }, { code: 500, reason: long, attempt: 2, at: '' }] });
  assert.equal(lastErrorText(view), `[500] ${long}`);
  const [, row] = jobTableLines([view], { now: NOW, width: 100 });
  assert.ok(displayWidth(row!) <= 100, `row is ${displayWidth(row!)} wide`);
  assert.ok(row!.endsWith('…'));
  const [, unbounded] = jobTableLines([view], { now: NOW });
  assert.ok(unbounded!.includes(`[500] ${'x'.repeat(40)}`) && unbounded!.endsWith('…'), 'cut at 80 columns without a terminal');
});

void test('the footer counts every status, then fail rate, successes per minute and the oldest pending job', () => {
  const [counts, rates] = footerLines(STATS, NOW);
  assert.equal(counts, '3 pending 1 processing 12 success 4 failed (20 total)');
  assert.equal(rates, 'fail rate 25.0% · 2.0 success/min (last 5 min) · oldest pending 3m20s');
});

void test('the footer shows - for fail rate and oldest pending when nothing finished or waits', () => {
  const empty: JobStats = { counts: { pending: 0, processing: 0, success: 0, failed: 0 }, total: 0, recentSuccesses: 0, recentFailures: 0, windowMinutes: 5 };
  assert.deepEqual(footerLines(empty, NOW), [
    '0 pending 0 processing 0 success 0 failed (0 total)',
    'fail rate - · 0.0 success/min (last 5 min) · oldest pending -',
  ]);
});

void test('colour is applied only when enabled and never changes the visible text', () => {
  const colored = countsLine(STATS, makeColors(true));
  assert.notEqual(colored, countsLine(STATS));
  assert.equal(stripAnsi(colored), countsLine(STATS));
  const plain = jobTableLines([job({ status: 'failed' })], { now: NOW, colors: makeColors(false) });
  assert.ok(plain.every((line) => !line.includes('\x1b[')));
});

void test('job details show every field, the decoded payload, every error with its attempt, the result and the UI link', () => {
  const view = job({
    status: 'success',
    retries: 2,
    errors: [
      { code: 503, reason: 'not yet (failure 1)', attempt: 1, at: '2026-01-01T11:58:00.000Z' },
      { code: 'timeout', reason: 'no answer in 10 s', attempt: 2, at: '2026-01-01T11:59:00.000Z' },
    ],
    result: { ok: true },
    assignedTo: 'thread:1',
  });
  const link = temporalUiLink('http://127.0.0.1:8233/', 'default', view.workflowId);
  const text = jobDetailLines(view, { now: NOW, uiLink: link }).join('\n');
  assert.match(text, /^job:abc123 {2}success/);
  assert.match(text, /retries\s+2\/3 \(linear\)/);
  assert.match(text, /assigned to\s+thread:1/);
  assert.match(text, /"id": "thread:1"/);
  assert.match(text, /errors \(2\)\n {2}#1 attempt 1 {2}2026-01-01T11:58:00.000Z {2}\[503\] not yet \(failure 1\)\n {2}#2 attempt 2 .*\[timeout\] no answer in 10 s/);
  assert.match(text, /result\n {2}\{\n {4}"ok": true\n {2}\}/);
  assert.match(text, /temporal ui\s+http:\/\/127\.0\.0\.1:8233\/namespaces\/default\/workflows\/job%3Aabc123$/m);
});

void test('job details show how the job is scheduled: priority with its name, queue, fairness key, schedule and idempotency key', () => {
  const text = jobDetailLines(job({ priority: 2, queue: 'emails', fairnessKey: 'acme', schedule: 'nightly', idempotencyKey: 'order-7' }), { now: NOW }).join('\n');
  assert.match(text, /priority\s+2 \(high\)\nqueue\s+emails\nfairness key\s+acme\nschedule\s+nightly\nidempotency\s+order-7/);
  assert.match(jobDetailLines(job({ priority: 5 }), { now: NOW }).join('\n'), /priority\s+5$/m);
  assert.doesNotMatch(jobDetailLines(job(), { now: NOW }).join('\n'), /priority|queue|fairness/);
});

void test('the Temporal UI link url-encodes the namespace and the workflow id of a retry', () => {
  assert.equal(
    temporalUiLink('http://ui:8233', 'my ns', 'job:a~retry-1'),
    'http://ui:8233/namespaces/my%20ns/workflows/job%3Aa~retry-1',
  );
});

void test('a job row becomes a JSON-safe view with ISO dates, decoded payload, backend and workflow id', () => {
  const view = toJobView(
    {
      id: 'job:k',
      table: 'job',
      path: '/x',
      payload: '{"a":1}',
      status: 'pending',
      retries: 0,
      maxRetries: 3,
      retryStrategy: 'linear',
      delayMs: 0,
      errors: [],
      createdAt: new Date('2026-01-01T00:00:00Z'),
      run: 2,
    },
    (table) => (table === 'job' ? 'api' : undefined),
  );
  assert.deepEqual(view.payload, { a: 1 });
  assert.equal(view.createdAt, '2026-01-01T00:00:00.000Z');
  assert.equal(view.backend, 'api');
  assert.equal(view.workflowId, 'job:k~retry-1');
  assert.deepEqual(JSON.parse(JSON.stringify(view)), view);
});

void test('kill, retry and clear outcomes read as one line each', () => {
  assert.equal(killLine({ outcome: 'killed', jobId: 'job:a', previousStatus: 'pending' }), 'killed job:a (was pending)');
  assert.equal(killLine({ outcome: 'already-finished', jobId: 'job:a', status: 'success' }), 'job:a already finished (success)');
  assert.equal(
    retryLine({ outcome: 're-enqueued', jobId: 'job:a', workflowId: 'job:a~retry-1', run: 2 }),
    're-enqueued job:a as job:a~retry-1 (run 2)',
  );
  assert.deepEqual(clearLines({ job: 3, mail_job: 1 }), ['deleted 3 jobs from job', 'deleted 1 job from mail_job']);
});

void test('widths count wide characters as two columns and truncate never exceeds the width', () => {
  assert.equal(displayWidth('👻 a'), 4);
  assert.equal(displayWidth('\x1b[31mred\x1b[39m'), 3);
  for (const text of ['👻👻👻👻👻', 'plain text here', '漢字漢字漢字', 'a\nb']) {
    for (let w = 1; w < 12; w++) assert.ok(displayWidth(truncate(text, w)) <= w, `${text} @ ${w}`);
  }
});
