// The README's scheduling examples are code that works: its TypeScript compiles against the
// real API, its sp00ky.yml sections load into the config they describe, and all of it runs
// against the example app on the real dev server and SurrealDB engine.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { loadConfig } from '../../src/config/loadConfig.js';
import { createRunner, type Runner, type RunnerOptions } from '../../src/app/runner/createRunner.js';
import { getWorkflowBundle } from '../../src/orchestration/worker/workflowBundle.js';
import { silentLogger } from '../../src/adapters/logger.js';
import { startSurrealRelay } from '../../chaos/surrealRelay.js';
import { startExampleBackend } from '../../examples/backend.js';
import { startTemporal, waitFor } from '../helpers/harness.js';
import { typeErrors } from '../helpers/typeErrors.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const README = readFileSync(path.join(ROOT, 'README.md'), 'utf8');

/** The fenced blocks of one language in the README section under `heading` (up to the next `## `). */
function blocks(heading: string, lang: string): string[] {
  const start = README.indexOf(`\n## ${heading}`);
  assert.ok(start >= 0, `README has a section "${heading}"`);
  const end = README.indexOf('\n## ', start + 4);
  const section = README.slice(start, end < 0 ? undefined : end);
  return [...section.matchAll(new RegExp('```' + lang + '\\n([\\s\\S]*?)```', 'g'))].map((m) => m[1]!);
}

const SECTION = 'Scheduling: priorities, queues, fairness, cron, retention';

void test("the README's scheduling TypeScript compiles against the library's real types", () => {
  const snippets = blocks(SECTION, 'ts');
  assert.ok(snippets.length >= 2);
  const dir = mkdtempSync(path.join(tmpdir(), 'readme-snippets-'));
  try {
    const file = path.join(dir, 'snippets.ts');
    writeFileSync(
      file,
      [
        `import { createRunner, type Runner } from '${path.join(ROOT, 'src/index.js')}';`,
        `declare const runner: Runner;`,
        ...snippets.map((code, i) => `export async function snippet${i}() {\n${code}}`),
        '',
      ].join('\n'),
    );
    const problems = typeErrors([file]);
    assert.deepEqual(problems, []);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

void test("the README's schedules and retention YAML loads as written", async () => {
  const [yaml] = blocks(SECTION, 'yaml');
  assert.ok(yaml);
  const dir = mkdtempSync(path.join(tmpdir(), 'readme-yml-'));
  try {
    const file = path.join(dir, 'sp00ky.yml');
    writeFileSync(file, `apps:\n  api:\n    type: backend\n    baseUrl: http://localhost:3660\n    method: { allowedPaths: [/reports/] }\n${yaml}`);
    const config = await loadConfig({ configPath: file, env: {} });
    assert.deepEqual(
      config.schedules?.map((s) => [s.name, s.cron, s.timezone, s.backend, s.path, s.overlap, s.catchupWindowMs]),
      [['nightly-report', '0 3 * * *', 'Europe/Berlin', 'api', '/reports/nightly', 'skip', 3_600_000]],
    );
    assert.deepEqual(config.retention, { olderThanMs: 7 * 86_400_000, everyMs: 3_600_000 });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

/**
 * The section's TypeScript blocks as async functions of `runner` and `createRunner`, with the
 * README's `./sp00ky.yml` read from `dir` (the test cannot chdir: worker threads resolve their
 * loader from the working directory).
 */
function runnableSnippets(dir: string): ((runner: Runner, create: typeof createRunner) => Promise<void>)[] {
  const AsyncFunction = Object.getPrototypeOf(async () => undefined).constructor as new (...args: string[]) => (...a: unknown[]) => Promise<void>;
  return blocks(SECTION, 'ts').map((code) => {
    const located = code.replaceAll("'./sp00ky.yml'", JSON.stringify(path.join(dir, 'sp00ky.yml')));
    const js = ts.transpileModule(located, { compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022 } }).outputText;
    return new AsyncFunction('runner', 'createRunner', js);
  });
}

void test("the README's scheduling examples run as written against the example app, its sp00ky.yml holding the README's schedules", async () => {
  const example = readFileSync(path.join(ROOT, 'examples/sp00ky.yml'), 'utf8');
  const token = /token: (\S+)/.exec(example)![1]!;
  const [temporal, backend, relay] = await Promise.all([
    startTemporal(),
    startExampleBackend({ token }),
    startSurrealRelay({ url: 'mem://', namespace: 'main', database: 'main' }),
  ]);
  const dir = mkdtempSync(path.join(tmpdir(), 'readme-run-'));
  const runners: Runner[] = [];
  const env = { ...process.env };
  try {
    // The example app's sp00ky.yml, pointed at this test's servers, with the README's YAML added.
    writeFileSync(
      path.join(dir, 'sp00ky.yml'),
      example
        .replace('spec: ./api/openapi.yml', `spec: ${path.join(ROOT, 'examples/api/openapi.yml')}`)
        .replace(/baseUrl: \S+/, `baseUrl: ${backend.url}`)
        .replace('surrealdb:\n', `surrealdb:\n  endpoint: ${relay.url}\n`) + blocks(SECTION, 'yaml')[0]!,
    );
    process.env['TEMPORAL_ADDRESS'] = temporal.address;
    const workflowBundle = await getWorkflowBundle();
    // The snippets' createRunner, quiet and with the shared bundle; each runner gets its own name.
    const create = async (options: RunnerOptions = {}) => {
      const made = await createRunner({ logger: silentLogger(), workflowBundle, identity: `runner-${runners.length + 1}`, ...options });
      runners.push(made);
      return made;
    };
    const runner = await create({ configPath: path.join(dir, 'sp00ky.yml'), deploySchema: true });
    await runner.start();
    const [scheduling, schedulesApi] = runnableSnippets(dir);

    // The YAML: its schedules are Temporal Schedules now, the cron read in its own zone.
    const atStart = await runner.schedules.list();
    assert.deepEqual(atStart.map((s) => [s.name, s.kind, s.managedBy, s.paused]), [
      ['nightly-report', 'job', 'config', false],
      ['retention', 'retention', 'config', false],
    ]);
    const berlinHour = new Intl.DateTimeFormat('en-GB', { timeZone: 'Europe/Berlin', hour: '2-digit', minute: '2-digit' });
    assert.equal(berlinHour.format(atStart[0]!.nextRuns[0]!), '03:00', 'the nightly report runs at 03:00 in Berlin');

    // Priority, queue and fairness: four jobs, each run, the emails one by the emails runner.
    await scheduling!(runner, create as typeof createRunner);
    const rows = await waitFor(
      'the four jobs of the scheduling example to succeed',
      async () => {
        const [found] = await relay.db.query<[Record<string, unknown>[]]>('SELECT * FROM job WHERE schedule = NONE ORDER BY created_at');
        return found.length === 4 && found.every((row) => row['status'] === 'success') ? found : undefined;
      },
      60_000,
    );
    const summary = rows.map((row) => [row['path'], row['priority'] ?? null, row['queue'] ?? null, row['fairness_key'] ?? null, row['assignee']]);
    assert.deepEqual(summary, [
      ['/send-reminder', 1, null, null, 'runner-1'],
      ['/send-reminder', 3, 'emails', null, 'runner-2'],
      ['/spookify', 3, null, null, 'runner-1'],
      ['/spookify', 3, null, 'globex', 'runner-1'],
    ]);
    assert.equal(String(rows[2]!['assigned_to']), 'tenant:acme');

    // The schedules API: created, paused, resumed, triggered (one job, run), deleted.
    await schedulesApi!(runner, create as typeof createRunner);
    const digest = await waitFor('the triggered digest job to succeed', async () => {
      const [found] = await relay.db.query<[{ status: string; path: string }[]]>("SELECT status, path FROM job WHERE schedule = 'digest'");
      return found.length === 1 && found[0]!.status === 'success' ? found : undefined;
    });
    assert.deepEqual(digest, [{ status: 'success', path: '/digest' }]);
    assert.deepEqual((await runner.schedules.list()).map((s) => s.name), ['nightly-report', 'retention'], 'digest was deleted');
  } finally {
    process.env = env;
    for (const made of runners.reverse()) await made.stop().catch(() => undefined);
    await relay.close();
    await backend.close();
    await temporal.stop();
    rmSync(dir, { recursive: true, force: true });
  }
});
