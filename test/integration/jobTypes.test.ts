// `spooky-temporal types` against the TypeScript compiler: with the generated types, a call
// with an undeclared path, a missing or wrong field, or an unknown backend does not compile.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { typeErrors } from '../helpers/typeErrors.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

void test('the generated types make jobs.run check the backend, the path and the payload at compile time', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'spooky-types-'));
  try {
    const config = path.join(dir, 'sp00ky.yml');
    writeFileSync(
      config,
      `apps:\n  api:\n    type: backend\n    spec: ${path.join(ROOT, 'test/fixtures/jobs-openapi.yml')}\n    baseUrl: http://127.0.0.1:1/\n    method: { type: outbox, table: job }\n`,
    );
    const out = path.join(dir, 'spooky-jobs.d.ts');
    const run = spawnSync(process.execPath, ['--import', 'tsx', 'src/app/cli/main.ts', 'types', '--config', config, '--out', out], { cwd: ROOT, encoding: 'utf8' });
    assert.equal(run.status, 0, run.stderr);
    assert.match(run.stdout, /typed backends api/);
    assert.match(readFileSync(out, 'utf8'), /export interface SpookyJobPayloads/);

    const consumer = path.join(dir, 'app.ts');
    writeFileSync(
      consumer,
      [
        `import { typedJobs } from '${path.join(ROOT, 'src/app/jobs/typedJobs.js')}';`,
        `import type { JobsClient } from '${path.join(ROOT, 'src/app/jobs/jobsClient.js')}';`,
        `import type { SpookyJobPayloads } from './spooky-jobs.js';`,
        `declare const client: JobsClient;`,
        `const jobs = typedJobs<SpookyJobPayloads>(client);`,
        `void jobs.run('api', '/spookify', { id: 'thread:1' });`,
        `void jobs.run('api', '/status/503', {});`,
        `void jobs.background('api', '/spookify', { id: 'thread:2' }).delay('5m').enqueue();`,
        `// @ts-expect-error the path is not a POST of the spec`,
        `void jobs.run('api', '/nope', {});`,
        `// @ts-expect-error /spookify requires id`,
        `void jobs.run('api', '/spookify', {});`,
        `// @ts-expect-error id is a string`,
        `void jobs.run('api', '/spookify', { id: 42 });`,
        `// @ts-expect-error no such backend`,
        `void jobs.run('mailer', '/spookify', { id: 'x' });`,
        '',
      ].join('\n'),
    );
    const problems = typeErrors([consumer, out]);
    assert.deepEqual(problems, [], 'every valid call compiles and every @ts-expect-error is an error');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

void test('the generated types compile for a spec whose path templates overlap literal paths (/users/{id} and /users/me)', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'spooky-types-'));
  try {
    const out = path.join(dir, 'spooky-jobs.d.ts');
    const run = spawnSync(process.execPath, ['--import', 'tsx', 'src/app/cli/main.ts', 'types', '--config', 'test/fixtures/sp00ky.yml', '--out', out], { cwd: ROOT, encoding: 'utf8' });
    assert.equal(run.status, 0, run.stderr);
    assert.match(readFileSync(out, 'utf8'), /\[path: `\/users\/\$\{string\}`\]/);
    const program = ts.createProgram([out], { strict: true, noEmit: true, target: ts.ScriptTarget.ES2022, types: [] });
    const problems = ts.getPreEmitDiagnostics(program).map((d) => ts.flattenDiagnosticMessageText(d.messageText, '\n'));
    assert.deepEqual(problems, []);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
