// Runs started by the previous release (v1 `jobWorkflow`, three activities per attempt) must
// finish after an upgrade: their recorded histories replay against today's workflow bundle
// without a determinism error. The histories were recorded from v1 on a real dev server.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { test } from 'node:test';
import proto from '@temporalio/proto';
import { Worker } from '@temporalio/worker';
import { getWorkflowBundle } from '../../src/runner/workflowBundle.js';

const DIR = new URL('../fixtures/histories/', import.meta.url);

void test('histories recorded from v1 jobWorkflow (success, retries, failure, kills) replay against the current bundle', async () => {
  const files = readdirSync(DIR).filter((name) => name.startsWith('jobWorkflow-v1-'));
  assert.ok(files.length >= 5, 'the v1 fixtures are there');
  const workflowBundle = await getWorkflowBundle();
  for (const file of files) {
    // Saved with JSON.stringify(await handle.fetchHistory()): protobufjs's own object form.
    const history = proto.temporal.api.history.v1.History.fromObject(JSON.parse(readFileSync(new URL(file, DIR), 'utf8')));
    await Worker.runReplayHistory({ workflowBundle, replayName: file }, history, file);
  }
});
