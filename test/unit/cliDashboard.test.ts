import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { JobStats, JobView } from '../../src/app/cli/jobsBackend.js';
import { renderDashboard } from '../../src/app/cli/dashboard/render.js';
import { FILTERS, handleKey, initialState, withData, withQueues, type DashboardState } from '../../src/app/cli/dashboard/state.js';
import { displayWidth, makeColors, stripAnsi } from '../../src/app/cli/output.js';

const NOW = new Date('2026-01-01T12:00:00.000Z');
const STATS: JobStats = {
  counts: { pending: 2, processing: 0, success: 1, failed: 1 },
  total: 4,
  recentSuccesses: 5,
  recentFailures: 0,
  windowMinutes: 5,
};

function job(id: string, overrides: Partial<JobView> = {}): JobView {
  return {
    id,
    table: 'job',
    backend: 'api',
    path: '/send-reminder',
    payload: { to: `${id}@example.com` },
    status: 'pending',
    retries: 0,
    maxRetries: 3,
    retryStrategy: 'linear',
    delayMs: 0,
    errors: [],
    createdAt: '2026-01-01T11:59:00.000Z',
    run: 1,
    workflowId: id,
    ...overrides,
  };
}

const JOBS = [
  job('job:a'),
  job('job:b', {
    status: 'failed',
    errors: [
      { code: 503, reason: 'first failure', attempt: 1, at: '2026-01-01T11:59:10.000Z' },
      { code: 'killed', reason: 'killed by operator', attempt: 2, at: '2026-01-01T11:59:20.000Z' },
    ],
  }),
  job('job:c', { status: 'success', result: { sent: true } }),
  job('job:d'),
];

function loaded(): DashboardState {
  return withData(initialState('dev instance (.data)', { temporalUiUrl: 'http://127.0.0.1:8233' }), JOBS, STATS);
}

function press(state: DashboardState, ...names: string[]): DashboardState {
  return names.reduce((s, name) => handleKey(s, { name }).state, state);
}

void test('the dashboard frame is exactly the terminal height and never wider than it', () => {
  for (const [width, height] of [[160, 45], [80, 24], [40, 10], [200, 60]] as const) {
    for (const state of [loaded(), press(loaded(), 'down', 'return'), initialState('x')]) {
      const lines = renderDashboard(state, { width, height, now: NOW, colors: makeColors(true) });
      assert.equal(lines.length, height);
      for (const line of lines) assert.ok(displayWidth(line) <= width, `${displayWidth(line)} > ${width}: ${stripAnsi(line)}`);
    }
  }
});

void test('the dashboard shows counts per status, the filter, the jobs with the selection marked, and the key help', () => {
  const lines = renderDashboard(press(loaded(), 'down'), { width: 160, height: 45, now: NOW });
  const text = lines.join('\n');
  assert.match(lines[0]!, /^spooky-temporal jobs · dev instance \(\.data\)\s+12:00:00$/);
  assert.match(lines[1]!, /^2 pending 0 processing 1 success 1 failed \(4 total\)\s+fail rate 50\.0% · 1\.0 success\/min/);
  assert.match(lines[2]!, /filter \[all\] {2}pending/);
  assert.match(text, /^ {2}ID\s+BACKEND\s+PATH\s+STATUS/m);
  assert.match(text, /^> job:b\s+api\s+\/send-reminder\s+failed/m);
  assert.match(text, /^ {2}job:a\s/m);
  assert.match(lines[44]!, /↑\/↓ select {2}Enter details {2}k kill {2}r retry {2}f filter {2}q quit/);
});

void test('a queue whose pending jobs no runner serves is named under the counts, and a served one is not', () => {
  const queues = [
    { table: 'job', backend: 'api', queue: 'emails', taskQueue: 'spooky-temporal.api-emails', pending: 3, served: false },
    { table: 'job', backend: 'api', queue: 'default', taskQueue: 'spooky-temporal.api', pending: 2, served: true },
  ];
  const lines = renderDashboard(withQueues(loaded(), queues), { width: 160, height: 45, now: NOW });
  assert.match(lines[2]!, /^queue emails \(api\): 3 pending jobs, no runner serves it; they wait until one does: spooky-temporal start --queues emails$/);
  assert.match(lines[3]!, /filter \[all\]/);
  assert.ok(!lines.join('\n').includes('queue default'), 'a served queue is not a warning');
  assert.deepEqual(withQueues(withQueues(loaded(), queues), undefined).queues, queues, 'a failed check keeps the last answer');
});

void test("the selected job's payload and whole error history are shown below the list", () => {
  const text = renderDashboard(press(loaded(), 'down'), { width: 160, height: 45, now: NOW }).join('\n');
  assert.match(text, /── job:b ─+/);
  assert.match(text, /payload \{"to":"job:b@example\.com"\}/);
  assert.match(text, /errors \(2\)\n {2}#1 attempt 1 .*\[503\] first failure\n {2}#2 attempt 2 .*\[killed\] killed by operator/);
});

void test('Enter opens the details of the selected job with its Temporal link; Enter or Esc goes back', () => {
  const details = press(loaded(), 'down', 'down', 'return');
  assert.equal(details.view, 'details');
  const text = renderDashboard(details, { width: 160, height: 45, now: NOW }).join('\n');
  assert.match(text, /^job:c {2}success$/m);
  assert.match(text, /temporal ui\s+http:\/\/127\.0\.0\.1:8233\/namespaces\/default\/workflows\/job%3Ac/);
  assert.match(text, /result\n {2}\{\n {4}"sent": true/);
  assert.equal(press(details, 'escape').view, 'list');
  assert.equal(press(details, 'return').view, 'list');
});

void test('↑/↓ move the selection within bounds', () => {
  assert.equal(press(loaded(), 'up').selected, 0);
  assert.equal(press(loaded(), 'down', 'down', 'down', 'down', 'down').selected, 3);
  assert.equal(press(loaded(), 'down', 'down', 'up').selectedId, 'job:b');
});

void test('the selection stays on the same job when a refresh reorders the rows, and stays in range when it vanishes', () => {
  const onB = press(loaded(), 'down');
  const reordered = withData(onB, [JOBS[1]!, JOBS[0]!, JOBS[2]!, JOBS[3]!], STATS);
  assert.equal(reordered.selected, 0);
  assert.equal(reordered.selectedId, 'job:b');
  const last = press(loaded(), 'down', 'down', 'down');
  const shrunk = withData(last, JOBS.slice(0, 2), STATS);
  assert.equal(shrunk.selected, 1);
  assert.equal(shrunk.selectedId, 'job:b');
  const empty = withData(press(loaded(), 'return'), [], STATS);
  assert.equal(empty.view, 'list');
  assert.equal(empty.selectedId, undefined);
});

void test('k and r ask to kill or retry the selected job; with no job they only say so', () => {
  const kill = handleKey(press(loaded(), 'down'), { name: 'k' });
  assert.deepEqual(kill.action, { type: 'kill', id: 'job:b' });
  assert.match(kill.state.message!.text, /killing job:b/);
  assert.deepEqual(handleKey(loaded(), { name: 'r' }).action, { type: 'retry', id: 'job:a' });
  const none = handleKey(initialState('x'), { name: 'k' });
  assert.equal(none.action, undefined);
  assert.equal(none.state.message?.kind, 'error');
});

void test('f cycles the filter all → pending → processing → success → failed → all and asks for a refresh', () => {
  let state = press(loaded(), 'down');
  const seen: string[] = [];
  for (let i = 0; i < FILTERS.length; i++) {
    const result = handleKey(state, { name: 'f' });
    assert.deepEqual(result.action, { type: 'refresh' });
    state = result.state;
    seen.push(state.filter);
  }
  assert.deepEqual(seen, ['pending', 'processing', 'success', 'failed', 'all']);
  assert.match(renderDashboard(press(loaded(), 'f'), { width: 120, height: 30, now: NOW })[2]!, /filter {2}all {2}\[pending\]/);
});

void test('q, Esc in the list and Ctrl-C quit', () => {
  assert.deepEqual(handleKey(loaded(), { name: 'q' }).action, { type: 'quit' });
  assert.deepEqual(handleKey(loaded(), { name: 'escape' }).action, { type: 'quit' });
  assert.deepEqual(handleKey(loaded(), { name: 'c', ctrl: true }).action, { type: 'quit' });
  assert.equal(handleKey(press(loaded(), 'return'), { name: 'escape' }).action, undefined);
});

void test('a long list scrolls so the selected row stays visible', () => {
  const many = Array.from({ length: 100 }, (_, i) => job(`job:${String(i).padStart(3, '0')}`));
  let state = withData(initialState('x'), many, STATS);
  state = press(state, ...Array<string>(80).fill('down'));
  const text = renderDashboard(state, { width: 120, height: 30, now: NOW }).join('\n');
  assert.match(text, /^> job:080/m);
  assert.match(text, /… 81\/100/);
});

void test('before the first answer the dashboard says it is loading, and a filter with no rows says so', () => {
  assert.match(renderDashboard(initialState('x'), { width: 80, height: 20, now: NOW }).join('\n'), /loading…/);
  const none = withData(press(initialState('x'), 'f'), [], STATS);
  assert.match(renderDashboard(none, { width: 80, height: 20, now: NOW }).join('\n'), /no pending jobs/);
});
