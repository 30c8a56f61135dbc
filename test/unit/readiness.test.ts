// /readyz's checks: each failure is named, with why; a worker with every slot stalled, a stopped
// worker or workers not yet running make the process not ready, and so does a bridge that is not
// doing its work (not started, stopped, Temporal declared unreachable, live subscriptions lost).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Surreal } from 'surrealdb';
import type { Client } from '@temporalio/client';
import { checkReadiness } from '../../src/app/runner/readiness.js';
import type { SlotHealth } from '../../src/orchestration/worker/slotWatch.js';
import type { BridgeHealth } from '../../src/orchestration/bridge/bridge.js';

const answering = { query: async () => [1] } as unknown as Surreal;
const silent = { query: () => new Promise(() => undefined) } as unknown as Surreal;
const temporalUp = { withDeadline: (_: number, fn: () => Promise<unknown>) => fn(), workflowService: { getSystemInfo: async () => ({}) } } as unknown as Client;
const temporalDown = {
  withDeadline: (_: number, fn: () => Promise<unknown>) => fn(),
  workflowService: { getSystemInfo: async () => Promise.reject(new Error('14 UNAVAILABLE: connection refused')) },
} as unknown as Client;
const worker: SlotHealth = { taskQueue: 'spooky-temporal.api', backend: 'api', slots: 2, inFlight: 0, overdue: 0 };

void test('ready when the database and Temporal answer and the workers run with free slots', async () => {
  const readiness = await checkReadiness({ db: () => answering, client: temporalUp, workers: { health: () => [worker], failed: () => undefined } });
  assert.deepEqual(readiness, { ready: true, failures: [] });
});

void test('a database that does not answer within the deadline and a Temporal that refuses are each named', async () => {
  const readiness = await checkReadiness({ db: () => silent, client: temporalDown, timeoutMs: 200 });
  assert.equal(readiness.ready, false);
  assert.deepEqual(readiness.failures, [
    { check: 'database', reason: 'no answer within 200 ms' },
    { check: 'temporal', reason: '14 UNAVAILABLE: connection refused' },
  ]);
});

void test('workers not yet running, a stopped worker, and a worker with every slot stalled each make it not ready', async () => {
  const notRunning = await checkReadiness({ db: () => answering, client: temporalUp, workers: { health: () => [], failed: () => undefined } });
  assert.deepEqual(notRunning.failures.map((f) => f.check), ['workers']);
  assert.match(notRunning.failures[0]!.reason, /not running yet/);

  const stopped = await checkReadiness({ db: () => answering, client: temporalUp, workers: { health: () => [worker], failed: () => new Error('namespace deleted') } });
  assert.match(stopped.failures[0]!.reason, /a worker stopped: namespace deleted/);

  const stalled = { ...worker, inFlight: 2, overdue: 2, stalledSinceMs: Date.parse('2026-01-01T00:00:00Z') };
  const stalledResult = await checkReadiness({ db: () => answering, client: temporalUp, workers: { health: () => [stalled, { ...worker, taskQueue: 'other' }], failed: () => undefined } });
  assert.equal(stalledResult.ready, false);
  assert.deepEqual(stalledResult.failures, [
    { check: 'workers', reason: 'worker of spooky-temporal.api: all 2 slots held past their timeout since 2026-01-01T00:00:00.000Z' },
  ]);
});

void test('a running bridge keeps it ready; one not yet created or still subscribing, one stopped, one whose Temporal is declared unreachable or whose live subscriptions are being reopened each fail the bridge check, saying why', async () => {
  const withBridge = (health: BridgeHealth | undefined) => checkReadiness({ db: () => answering, client: temporalUp, bridge: () => health });
  assert.deepEqual(await withBridge({ state: 'running' }), { ready: true, failures: [] });

  for (const health of [undefined, { state: 'starting' } as const]) {
    assert.deepEqual((await withBridge(health)).failures, [{ check: 'bridge', reason: 'the bridge is not running yet' }]);
  }
  assert.deepEqual((await withBridge({ state: 'stopped', temporalDownSinceMs: 1 })).failures, [{ check: 'bridge', reason: 'the bridge stopped: no job is started' }]);

  const since = Date.parse('2026-01-01T00:00:00Z');
  const both = await withBridge({ state: 'running', temporalDownSinceMs: since, reconnectingSinceMs: since + 1_000 });
  assert.equal(both.ready, false);
  assert.deepEqual(both.failures, [
    { check: 'bridge', reason: 'Temporal unreachable since 2026-01-01T00:00:00.000Z: new jobs wait in their tables' },
    { check: 'bridge', reason: 'live subscriptions lost since 2026-01-01T00:00:01.000Z; reconnecting to SurrealDB' },
  ]);
});

void test('without a bridge (worker mode) no bridge check is made', async () => {
  const readiness = await checkReadiness({ db: () => answering, client: temporalUp, workers: { health: () => [worker], failed: () => undefined } });
  assert.deepEqual(readiness.failures, []);
});
