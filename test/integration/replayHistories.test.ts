// Runs in flight when a new build is deployed must finish on it: every history committed under
// test/fixtures/histories/ replays against today's workflow bundle without a determinism error.
// They were recorded on a real dev server: runJob, runScheduledJob and pruneOldJobs by
// `npm run record-histories` (record.ts, one history per path), the frozen v1 jobWorkflow by
// its last release. A change that would break them needs patched() (see README, Development).
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { test } from 'node:test';
import proto from '@temporalio/proto';
import { Worker } from '@temporalio/worker';
import { InMemorySpanExporter } from '@opentelemetry/sdk-trace-base';
import { getWorkflowBundle } from '../../src/orchestration/worker/workflowBundle.js';
import { workerTracing } from '../../src/adapters/temporal/tracingInterceptors.js';
import { createRunnerTracing } from '../../src/adapters/tracing/runnerTracing.js';

const DIR = new URL('../fixtures/histories/', import.meta.url);
const FIXTURES = readdirSync(DIR).filter((name) => name.endsWith('.json')).sort();

type History = proto.temporal.api.history.v1.History;

/** Saved with JSON.stringify(await handle.fetchHistory()): protobufjs's own object form. */
function load(file: string): History {
  return proto.temporal.api.history.v1.History.fromObject(JSON.parse(readFileSync(new URL(file, DIR), 'utf8')));
}

function workflowTypeOf(history: History): string | undefined {
  return history.events[0]?.workflowExecutionStartedEventAttributes?.workflowType?.name ?? undefined;
}

/** The ids of the patch markers (patched()) a history recorded. */
function patchIdsOf(history: History): string[] {
  return history.events.flatMap((event) => {
    const marker = event.markerRecordedEventAttributes;
    const data = marker?.markerName === 'core_patch' ? marker.details?.['patch-data']?.payloads?.[0]?.data : undefined;
    return data ? [(JSON.parse(Buffer.from(data).toString('utf8')) as { id: string }).id] : [];
  });
}

void test('every workflow of the bundle and every path of runJob has a recorded history', () => {
  const index = readFileSync(new URL('../../src/orchestration/workflows/index.ts', import.meta.url), 'utf8');
  const exported = [...index.matchAll(/^export \{ (\w+) \} from/gm)].map((m) => m[1]!);
  assert.ok(exported.length >= 4, `workflows exported by src/orchestration/workflows/index.ts: ${exported.join(', ')}`);
  const recorded = new Set(FIXTURES.map((file) => workflowTypeOf(load(file))));
  for (const type of exported) assert.ok(recorded.has(type), `no recorded history of workflow ${type}: run npm run record-histories`);

  const paths = [
    'runJob-success',
    'runJob-retried-then-success',
    'runJob-failed-after-retries',
    'runJob-failed-not-retryable',
    'runJob-killed-in-delay',
    'runJob-killed-in-backoff',
    'runJob-killed-in-flight',
    'runJob-continued-as-new-run1',
    'runJob-continued-as-new-run2',
    'runScheduledJob-slot',
    'runScheduledJob-slot-child',
    'pruneOldJobs-retention',
  ];
  for (const path of paths) assert.ok(FIXTURES.includes(`${path}.json`), `fixture ${path}.json is missing: run npm run record-histories`);
  // A retried run records the patch marker, so dropping its patched() branch is checked too.
  assert.deepEqual(patchIdsOf(load('runJob-retried-then-success.json')), ['backoff-from-backend-answer']);
  // Database-only steps moved to local activities behind patched(); both sides stay recorded.
  assert.ok(patchIdsOf(load('runJob-killed-in-flight.json')).includes('mirror-kill-locally'));
  assert.ok(patchIdsOf(load('runScheduledJob-slot.json')).includes('enqueue-slot-locally'));
  assert.ok(patchIdsOf(load('pruneOldJobs-retention.json')).includes('prune-in-local-steps'));
  for (const before of ['runJob-killed-in-flight', 'runScheduledJob-slot', 'pruneOldJobs-retention']) {
    assert.ok(FIXTURES.includes(`${before}-before-local-steps.json`), `fixture ${before}-before-local-steps.json is missing`);
  }
});

for (const traced of [false, true]) {
  // Traced: tracing turned on while runs recorded without it are in flight.
  const which = traced ? 'the traced bundle (tracing turned on mid-run)' : 'the current bundle';
  void test(`every recorded history (runJob, runScheduledJob, pruneOldJobs, v1 jobWorkflow) replays against ${which}`, async (t) => {
    assert.ok(FIXTURES.length >= 17, `fixtures: ${FIXTURES.join(', ')}`);
    const workflowBundle = await getWorkflowBundle({ traced });
    const sinks = traced ? workerTracing(createRunnerTracing({ spanExporter: new InMemorySpanExporter() })!).sinks : undefined;
    // One replay worker for all of them; each result is named by its fixture file.
    const replays = Worker.runReplayHistories(
      { workflowBundle, replayName: traced ? 'fixtures-traced' : 'fixtures', ...(sinks ? { sinks } : {}) },
      FIXTURES.map((file) => ({ workflowId: file, history: load(file) })),
    );
    const replayed: string[] = [];
    for await (const { workflowId: file, error } of replays) {
      replayed.push(file);
      await t.test(file, () => {
        if (error) throw new Error(`${file} does not replay against ${which}: ${error.message}`, { cause: error });
      });
    }
    assert.deepEqual(replayed, FIXTURES);
  });
}
