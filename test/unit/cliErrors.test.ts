import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { CommanderError } from 'commander';
import { JobNotFoundError, UnreachableError } from '../../src/core/errors.js';
import { describeError, exitCodeFor, UsageError } from '../../src/app/cli/cliErrors.js';
import { writeDevFile } from '../../src/app/cli/devFile.js';
import { openJobsBackend } from '../../src/app/cli/target.js';

const PASSWORD = 'unit-test-password-0123456789';

void test('a dev instance that is gone is one line saying where it looked and what to do', async () => {
  const dataDir = await mkdtemp(path.join(tmpdir(), 'spooky-gone-'));
  try {
    await writeDevFile(dataDir, {
      version: 2,
      pid: 1,
      surrealUrl: 'ws://127.0.0.1:1',
      surrealNamespace: 'main',
      surrealDatabase: 'main',
      surrealUser: 'spooky_dev',
      surrealPassword: PASSWORD,
      storage: 'surrealkv:///nowhere',
      temporalAddress: '127.0.0.1:1',
      temporalNamespace: 'default',
      startedAt: new Date().toISOString(),
    });
    const error = await openJobsBackend({ dataDir }, {}).catch((e: unknown) => e);
    assert.ok(error instanceof UnreachableError, String(error));
    const lines = describeError(error);
    assert.equal(lines.length, 1);
    assert.match(lines[0]!, /^error: cannot reach the dev instance at ws:\/\/127\.0\.0\.1:1 \(from .*dev\.json\): .*Is `spooky-temporal dev` \(npm start\) still running\?/);
    assert.doesNotMatch(lines[0]!, new RegExp(PASSWORD));
  } finally {
    await rm(dataDir, { recursive: true, force: true });
  }
});

void test('exit codes: usage errors 2, failed operations 1, help 0; messages are one line', () => {
  assert.equal(exitCodeFor(new CommanderError(1, 'commander.unknownOption', 'x')), 2);
  assert.equal(exitCodeFor(new CommanderError(0, 'commander.helpDisplayed', '(outputHelp)')), 0);
  assert.equal(exitCodeFor(new UsageError('bad')), 2);
  assert.equal(exitCodeFor(new JobNotFoundError('job:x')), 1);
  assert.equal(exitCodeFor(new Error('boom')), 1);
  assert.deepEqual(describeError(new UnreachableError('cannot reach\n  Temporal at x:1\n')), ['error: cannot reach Temporal at x:1']);
});
