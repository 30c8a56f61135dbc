// Temporal unreachable while a runner runs: the bridge logs one line (not one per row), probes
// with backoff, and once the server is back starts every row written meanwhile; nothing is lost.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createLogger } from '../../src/adapters/logger.js';
import { startTestBackend, type TestBackend } from '../helpers/backend.js';
import { insertJob, openTestDb, sleep, startRunner, startTemporal, testConfig, waitFor, waitForTerminal } from '../helpers/harness.js';

const cleanups: (() => Promise<unknown>)[] = [];
after(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup().catch(() => undefined);
});

void test('Temporal down mid-run: one log line, backoff, and every row written meanwhile runs once it is back', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'temporal-outage-'));
  cleanups.push(() => rm(dir, { recursive: true, force: true }));
  const dbFilename = join(dir, 'temporal.db');
  let server = await startTemporal({ dbFilename });
  const port = server.port;
  cleanups.push(() => server.stop());
  const backend: TestBackend = await startTestBackend();
  cleanups.push(() => backend.close());
  const lines: { level: number; msg: string; time: number }[] = [];
  const logger = createLogger({ level: 'info', destination: { write: (line: string) => void lines.push(JSON.parse(line)) } });
  const { db } = await openTestDb();
  const runner = await startRunner({ db, logger, config: testConfig(server, backend.url), deploySchema: true, bridge: { reconcileIntervalMs: 2_000, startDeadlineMs: 3_000 } });
  cleanups.push(() => runner.stop());

  const before = await insertJob(db, { path: '/echo' });
  assert.equal((await waitForTerminal(runner, before)).status, 'success');

  await server.stop();
  const stoppedAt = Date.now();
  const during: string[] = [];
  for (let i = 0; i < 5; i++) {
    during.push(await insertJob(db, { path: '/echo', payload: { i } }));
    await sleep(1_000);
  }
  const unreachable = () => lines.filter((l) => l.msg.startsWith('Temporal is unreachable'));
  await waitFor('the bridge to report Temporal unreachable', () => unreachable().length > 0, 30_000);
  await sleep(2_500); // rows and reconciliation passes meanwhile must not add lines
  assert.equal(unreachable().length, 1, `one line for the outage, got: ${JSON.stringify(unreachable())}`);
  const perRow = lines.filter((l) => l.time >= stoppedAt && l.level >= 50 && !l.msg.startsWith('Temporal is unreachable'));
  assert.deepEqual(perRow.map((l) => l.msg), [], 'no error line per row or per pass while Temporal is down');
  assert.equal(backend.requests.length, 1, 'nothing ran while Temporal was down');

  server = await startTemporal({ dbFilename, port });
  for (const jobId of during) {
    const row = await waitForTerminal(runner, jobId, 90_000);
    assert.equal(row.status, 'success', jobId);
    assert.equal(backend.requestsFor(jobId).length, 1, `${jobId} called once`);
  }
  const back = lines.filter((l) => l.msg.startsWith('Temporal is reachable again'));
  assert.equal(back.length, 1, 'one line when Temporal is back');
  assert.ok(back[0]!.time > unreachable()[0]!.time, 'the line for the return comes after the line for the outage');
});
