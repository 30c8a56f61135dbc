// A kill whose workflow cannot close (no worker serves its task queue) returns after its wait,
// says the kill is only requested, and leaves no long poll behind; the kill still applies
// once a worker runs again.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { Client, Connection } from '@temporalio/client';
import { InterceptingCall, type Interceptor } from '@grpc/grpc-js';
import type { Surreal } from 'surrealdb';
import type { DevServer } from '../../src/adapters/temporal/devServer.js';
import { startTestBackend, type TestBackend } from '../helpers/backend.js';
import { insertJob, openTestDb, startRunner, startTemporal, testConfig, waitFor, waitForTerminal } from '../helpers/harness.js';

let temporal: DevServer;
let backend: TestBackend;
let db: Surreal;
let openHistoryPolls = 0;

/** Counts GetWorkflowExecutionHistory calls in flight: `result()` long-polls with them. */
const countHistoryPolls: Interceptor = (options, nextCall) => {
  const isHistory = String(options.method_definition.path).endsWith('/GetWorkflowExecutionHistory');
  return new InterceptingCall(nextCall(options), {
    start(metadata, listener, next) {
      if (isHistory) openHistoryPolls++;
      next(metadata, {
        onReceiveStatus(status, nextStatus) {
          if (isHistory) openHistoryPolls--;
          nextStatus(status);
        },
      });
    },
  });
};

before(async () => {
  [temporal, backend] = await Promise.all([startTemporal(), startTestBackend()]);
  ({ db } = await openTestDb());
});

after(async () => {
  await db?.close();
  await backend?.close();
  await temporal?.stop();
});

void test('a kill that outwaits its wait answers kill-requested, leaves no long poll open, and still ends the job once a worker runs', async () => {
  const config = testConfig(temporal, backend.url, { backendOverrides: { timeoutSeconds: 60 } });
  const connection = await Connection.connect({ address: temporal.address, interceptors: [countHistoryPolls] });
  const bridge = await startRunner({ db, config, mode: 'bridge', deploySchema: true, temporalClient: new Client({ connection }) });
  let worker = await startRunner({ db, config, mode: 'worker' });
  try {
    const jobId = await insertJob(db, { path: '/slow', payload: { ms: 120_000 } });
    await waitFor('the call in flight', () => backend.requestsFor(jobId).length === 1);
    await worker.stop({ drainTimeout: 100 }); // the call is aborted; the workflow waits for a worker

    const t0 = Date.now();
    const outcome = await bridge.jobs.kill(jobId, { waitMs: 1_000 });
    assert.deepEqual(outcome, { outcome: 'kill-requested', jobId, status: 'processing' });
    assert.ok(Date.now() - t0 < 10_000, `kill returned after ${Date.now() - t0} ms with a 1 s wait`);
    await waitFor('no history long poll left open by the kill', () => openHistoryPolls === 0, 5_000);

    worker = await startRunner({ db, config, mode: 'worker' });
    const row = await waitForTerminal(bridge, jobId, 60_000);
    assert.equal(row.status, 'failed');
    assert.equal(row.errors.at(-1)?.code, 'cancelled');
    assert.equal(backend.requestsFor(jobId).length, 1, 'the killed job was not called again');
  } finally {
    await worker.stop();
    await bridge.stop();
    await connection.close();
  }
});
