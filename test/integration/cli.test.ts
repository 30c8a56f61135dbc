// The real program end to end: `dev` in the background (embedded SurrealDB served on 127.0.0.1,
// Temporal dev server, example backend), then every `jobs` command from "another terminal",
// the dashboard in a real terminal (tmux), and the error paths with their exit codes.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { setTimeout as sleep } from 'node:timers/promises';
import WebSocket from 'ws';
import { freePort } from '../../src/adapters/temporal/devServer.js';
import { openSurreal } from '../../src/adapters/db/connect.js';
import { CredentialsRefusedError } from '../../src/core/errors.js';
import { runProcess, type Run } from '../helpers/runProcess.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const MAIN = path.join(ROOT, 'src/app/cli/main.ts');
const NODE_ARGS = ['--import', 'tsx', MAIN];

let dataDir: string;
let emptyDir: string;
let dev: ChildProcess | undefined;
let devOutput = '';
let devExit: Promise<number | null>;
let uiUrl: string | undefined;
let temporalAddress: string;

/** Runs the CLI like a second terminal would (no TTY), without blocking the event loop. */
function cli(args: string[], options: { dataDir?: string | false; env?: NodeJS.ProcessEnv } = {}): Promise<Run> {
  const withDir = options.dataDir === false ? args : [...args, '--data-dir', options.dataDir ?? dataDir];
  return runNode([...NODE_ARGS, ...withDir], { ...cleanEnv(), NO_COLOR: '1', ...options.env });
}

/** Runs node with `args` in the project root and collects its output; killed after 60 s. */
function runNode(args: string[], env: NodeJS.ProcessEnv = process.env): Promise<Run> {
  return runProcess(process.execPath, args, env);
}

function cleanEnv(): NodeJS.ProcessEnv {
  const env = { ...process.env };
  for (const name of ['SURREAL_URL', 'SURREAL_NS', 'SURREAL_DB', 'SURREAL_USER', 'SURREAL_PASS', 'SPKY_CONFIG', 'SPKY_JOB_CONFIG', 'TEMPORAL_ADDRESS', 'TEMPORAL_NAMESPACE', 'TEMPORAL_UI_URL']) {
    delete env[name];
  }
  return env;
}

function json<T>(run: Run): T {
  assert.equal(run.status, 0, `exit ${run.status}: ${run.stderr}`);
  return JSON.parse(run.stdout) as T;
}

interface JobJson {
  id: string;
  status: string;
  maxRetries: number;
  retryStrategy: string;
  delayMs: number;
  idempotencyKey?: string;
  priority?: number;
  queue?: string;
  fairnessKey?: string;
  errors: { code: string | number; reason: string }[];
  workflowId: string;
  temporalUiLink: string;
}

async function getJob(id: string): Promise<JobJson> {
  return json<JobJson>(await cli(['jobs', 'get', id, '--json']));
}

async function waitFor<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(250);
  }
}

async function enqueueDelayed(to: string): Promise<string> {
  const run = await cli(['jobs', 'enqueue', 'api', '/send-reminder', JSON.stringify({ to }), '--delay', '1h']);
  assert.equal(run.status, 0, run.stderr);
  return run.stdout.trim();
}

/** An error path: the exit code, and exactly one `error:` line on stderr without a stack trace. */
function assertOneLineError(run: Run, code: number, pattern: RegExp): void {
  assert.equal(run.status, code, `expected exit ${code}, got ${run.status}: ${run.stderr}`);
  const lines = run.stderr.trim().split('\n');
  assert.equal(lines.length, 1, `one line expected:\n${run.stderr}`);
  assert.match(lines[0]!, pattern);
  assert.doesNotMatch(run.stderr, /\n\s+at /, 'no stack trace');
}

before(async () => {
  dataDir = await mkdtemp(path.join(tmpdir(), 'spooky-cli-'));
  emptyDir = await mkdtemp(path.join(tmpdir(), 'spooky-cli-empty-'));
  const [surrealPort, backendPort] = [await freePort(), await freePort()];
  dev = spawn(
    process.execPath,
    [...NODE_ARGS, 'dev', '--data-dir', dataDir, '--no-demo', '--surreal-port', String(surrealPort), '--backend-port', String(backendPort)],
    { cwd: ROOT, env: { ...cleanEnv(), NO_COLOR: '1' }, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  dev.stdout!.on('data', (chunk: Buffer) => (devOutput += chunk.toString()));
  dev.stderr!.on('data', (chunk: Buffer) => (devOutput += chunk.toString()));
  devExit = new Promise((resolve) => dev!.once('exit', (code) => resolve(code)));
  const devFile = path.join(dataDir, 'dev.json');
  await waitFor(
    'dev.json',
    async () => {
      if (dev!.exitCode !== null) throw new Error(`dev exited early (${dev!.exitCode}):\n${devOutput}`);
      return existsSync(devFile) ? true : undefined;
    },
    90_000,
  );
  const info = JSON.parse(await readFile(devFile, 'utf8')) as { surrealUrl: string; temporalUiUrl?: string; temporalAddress: string };
  temporalAddress = info.temporalAddress;
  assert.equal(info.surrealUrl, `ws://127.0.0.1:${surrealPort}`);
  uiUrl = info.temporalUiUrl;
});

after(async () => {
  spawnSync('tmux', ['kill-session', '-t', TMUX_SESSION], { stdio: 'ignore' });
  if (dev && dev.exitCode === null) {
    dev.kill('SIGTERM');
    const code = await Promise.race([devExit, sleep(20_000).then(() => 'timeout' as const)]);
    if (code === 'timeout') dev.kill('SIGKILL');
  }
  await rm(dataDir, { recursive: true, force: true });
  await rm(emptyDir, { recursive: true, force: true });
});

void test('enqueue prints the new job id, and the dev instance runs the job to success', async () => {
  const run = await cli(['jobs', 'enqueue', 'api', '/spookify', '{"id":"thread:cli"}']);
  assert.equal(run.status, 0, run.stderr);
  const id = run.stdout.trim();
  assert.match(id, /^job:[a-z0-9]+$/);
  const done = await waitFor('success', async () => {
    const job = await getJob(id);
    return job.status === 'success' ? job : undefined;
  });
  assert.equal(done.errors.length, 0);
});

void test('enqueue --json takes --delay, --max-retries and --retry-strategy, and the row has them', async () => {
  const run = await cli([
    'jobs', 'enqueue', 'api', '/send-reminder', '{"to":"ada@example.com"}',
    '--delay', '1h30m', '--max-retries', '5', '--retry-strategy', 'exponential', '--json',
  ]);
  const { id } = json<{ id: string }>(run);
  const job = await getJob(id);
  assert.equal(job.status, 'pending');
  assert.equal(job.maxRetries, 5);
  assert.equal(job.retryStrategy, 'exponential');
  assert.equal(job.delayMs, 5_400_000);
});

void test('enqueue --idempotency-key prints the same id twice; --priority, --queue and --fairness-key are stored; a bad priority is a usage error', async () => {
  const key = `cli-${Date.now()}`;
  const args = ['jobs', 'enqueue', 'api', '/send-reminder', '{"to":"ada@example.com"}', '--delay', '1h', '--idempotency-key', key, '--priority', 'high', '--queue', 'emails', '--fairness-key', 'tenant-7', '--json'];
  const first = json<{ id: string }>(await cli(args)).id;
  const second = json<{ id: string }>(await cli(args)).id;
  assert.equal(second, first);
  const job = await getJob(first);
  assert.deepEqual([job.idempotencyKey, job.priority, job.queue, job.fairnessKey], [key, 2, 'emails', 'tenant-7']);
  const bad = await cli(['jobs', 'enqueue', 'api', '/send-reminder', '{}', '--priority', 'urgent']);
  assert.equal(bad.status, 2, bad.stderr);
  assert.match(bad.stderr, /^error: .*unknown priority "urgent": expected critical, high, normal, low, or a number from 1 \(first\) to 5 \(last\)/);
});

void test("enqueue refuses a value over the backend's limits as bad usage, exit 2 naming it: a payload over 1 MiB (from @file), a delay over a year", async () => {
  const file = path.join(dataDir, 'big-payload.json');
  await writeFile(file, JSON.stringify({ to: 'x'.repeat(1_100_000) }));
  const [big, far] = await Promise.all([
    cli(['jobs', 'enqueue', 'api', '/send-reminder', `@${file}`]),
    cli(['jobs', 'enqueue', 'api', '/send-reminder', '{"to":"ada@example.com"}', '--delay', '400d']),
  ]);
  assertOneLineError(big, 2, /^error: .*payload is 1,100,009 bytes of JSON, over backend api's limit of 1,048,576: .*method\.limits\.payloadBytes/);
  assertOneLineError(far, 2, /^error: .*delay is 34,560,000,000 ms, over backend api's limit of 31,536,000,000 ms .*method\.limits\.delay/);
});

void test('enqueue validates like db.run: an undeclared path or a payload against the spec fails with exit 1', async () => {
  assertOneLineError(await cli(['jobs', 'enqueue', 'api', '/nope', '{}']), 1, /^error: .*\/nope.* not a POST operation/);
  assertOneLineError(await cli(['jobs', 'enqueue', 'api', '/spookify', '{}']), 1, /^error: .*payload does not match POST \/spookify/);
  assertOneLineError(await cli(['jobs', 'enqueue', 'nobackend', '/spookify', '{}']), 1, /^error: .*unknown backend nobackend/);
});

void test('list prints the columns, newest first, and a footer with counts, fail rate, throughput and oldest pending', async () => {
  const older = await enqueueDelayed('older@example.com');
  const newer = await enqueueDelayed('newer@example.com');
  const run = await cli(['jobs', 'list']);
  assert.equal(run.status, 0, run.stderr);
  const lines = run.stdout.trimEnd().split('\n');
  assert.match(lines[0]!, /^ID\s+BACKEND\s+PATH\s+STATUS\s+RETRY\s+AGE\s+LAST ERROR$/);
  const newerAt = lines.findIndex((l) => l.startsWith(newer));
  const olderAt = lines.findIndex((l) => l.startsWith(older));
  assert.ok(newerAt > 0 && olderAt > newerAt, 'newest first');
  assert.match(lines[newerAt]!, /^job:\S+\s+api\s+\/send-reminder\s+pending\s+0\/3\s+\d+(ms|s)/);
  assert.match(run.stdout, /\n\d+ pending \d+ processing \d+ success \d+ failed \(\d+ total\)\n/);
  // The footer ends the list, unless warnings about unserved queues follow it.
  const footerEnd = lines.findIndex((l) => l.startsWith('fail rate'));
  assert.match(lines[footerEnd]!, /^fail rate \S+ · \d+\.\d success\/min \(last 5 min\) · oldest pending \S+$/);
  assert.ok(lines.slice(footerEnd + 1).every((l) => l === '' || l.startsWith('queue ')), 'only queue warnings after the footer');
  assert.ok(!run.stdout.includes('\x1b['), 'no colour when not a terminal');
});

void test('list --json prints the jobs and the stats; --status filters; ls is an alias', async () => {
  const all = json<{ jobs: { id: string; status: string }[]; stats: { counts: Record<string, number>; total: number } }>(
    await cli(['jobs', 'list', '--json']),
  );
  assert.ok(all.jobs.length >= 3);
  assert.equal(all.stats.total, Object.values(all.stats.counts).reduce((a, b) => a + b, 0));
  const pending = json<{ jobs: { status: string }[] }>(await cli(['jobs', 'ls', '--status', 'pending', '--json']));
  assert.ok(pending.jobs.length >= 2);
  assert.ok(pending.jobs.every((job) => job.status === 'pending'));
  const limited = json<{ jobs: unknown[] }>(await cli(['jobs', 'ls', '--limit', '1', '--json']));
  assert.equal(limited.jobs.length, 1);
});

void test('get accepts table:key, a bare key or a unique prefix, and prints payload, errors and the Temporal UI link', async () => {
  const id = await enqueueDelayed('get@example.com');
  const key = id.slice('job:'.length);
  const listed = json<{ jobs: { id: string }[] }>(await cli(['jobs', 'list', '--json'])).jobs.map((j) => j.id.slice(4));
  // The shortest prefix of this key that no other job shares.
  let prefix = key;
  for (let n = 1; n <= key.length; n++) {
    if (listed.filter((other) => other.startsWith(key.slice(0, n))).length === 1) {
      prefix = key.slice(0, n);
      break;
    }
  }
  for (const ref of [id, key, prefix]) {
    const run = await cli(['jobs', 'get', ref]);
    assert.equal(run.status, 0, `${ref}: ${run.stderr}`);
    assert.match(run.stdout, new RegExp(`^${id} {2}pending`));
    assert.match(run.stdout, /path\s+\/send-reminder/);
    assert.match(run.stdout, /payload\n {2}\{\n {4}"to": "get@example.com"\n {2}\}/);
    assert.match(run.stdout, /errors \(0\)/);
    assert.ok(run.stdout.includes(`temporal ui  ${uiUrl}/namespaces/default/workflows/${encodeURIComponent(id)}`), run.stdout);
  }
  const job = await getJob(prefix);
  assert.equal(job.id, id);
  assert.equal(job.temporalUiLink, `${uiUrl}/namespaces/default/workflows/${encodeURIComponent(id)}`);
});

void test('get of an unknown id fails with exit 1 and one line', async () => {
  assertOneLineError(await cli(['jobs', 'get', 'job:doesnotexist']), 1, /^error: no job job:doesnotexist/);
  assertOneLineError(await cli(['jobs', 'kill', 'zzzzzzzzzzzz']), 1, /^error: no job zzzzzzzzzzzz/);
});

void test('an ambiguous prefix fails with exit 1 and lists up to 6 matching ids', async () => {
  await Promise.all(Array.from({ length: 7 }, (_, i) => enqueueDelayed(`many${i}@example.com`)));
  const ids = json<{ jobs: { id: string }[] }>(await cli(['jobs', 'list', '--json'])).jobs.map((j) => j.id);
  // A first character shared by several keys if there is one, else the empty key (every job).
  const shared = [...new Set(ids.map((id) => id[4]))].find((c) => ids.filter((id) => id[4] === c).length >= 2);
  const ref = shared ? `job:${shared}` : 'job:';
  const run = await cli(['jobs', 'get', ref]);
  assert.equal(run.status, 1, run.stderr);
  const [first, ...matches] = run.stderr.trimEnd().split('\n');
  assert.match(first!, new RegExp(`^error: job id "${ref}" is ambiguous: it matches (more than )?\\d+ jobs`));
  const listed = matches.filter((line) => line.startsWith('  job:')).map((line) => line.trim());
  assert.ok(listed.length >= 2 && listed.length <= 6, run.stderr);
  for (const id of listed) assert.ok(id.startsWith(ref) && ids.includes(id), id);
  assert.doesNotMatch(run.stderr, /\n\s+at /);
});

void test('retry of a pending job fails with exit 1 and says why', async () => {
  const id = await enqueueDelayed('pending-retry@example.com');
  assertOneLineError(await cli(['jobs', 'retry', id]), 1, new RegExp(`^error: job ${id} is pending: only failed or success jobs can be retried`));
});

void test('kill fails a pending job as killed; killing it again says it already finished; retry re-enqueues it', async () => {
  const id = await enqueueDelayed('kill@example.com');
  const kill = await cli(['jobs', 'kill', id]);
  assert.equal(kill.status, 0, kill.stderr);
  assert.equal(kill.stdout.trim(), `killed ${id} (was pending)`);
  const job = await getJob(id);
  assert.equal(job.status, 'failed');
  assert.equal(job.errors.at(-1)?.code, 'killed');

  const again = await cli(['jobs', 'kill', id, '--json']);
  assert.deepEqual(json(again), { outcome: 'already-finished', jobId: id, status: 'failed' });

  const retry = await cli(['jobs', 'retry', id]);
  assert.equal(retry.status, 0, retry.stderr);
  assert.equal(retry.stdout.trim(), `re-enqueued ${id} as ${id}~retry-1 (run 2)`);
  const retried = await getJob(id);
  assert.equal(retried.status, 'pending');
  assert.equal(retried.workflowId, `${id}~retry-1`);
});

void test('clear --older-than --dry-run --json through the dev instance counts and lists only finished jobs older than the limit, and deletes nothing', async () => {
  const counts = json<{ stats: { counts: Record<string, number> } }>(await cli(['jobs', 'list', '--json'])).stats.counts;
  const finished = (counts['success'] ?? 0) + (counts['failed'] ?? 0);
  assert.ok(finished > 0, 'earlier tests left finished jobs');

  const started = Date.now();
  const recent = json<{ dryRun: boolean; cutoff: string; wouldDelete: Record<string, number>; jobs: unknown[] }>(
    await cli(['jobs', 'clear', '--older-than', '1h', '--dry-run', '--json']),
  );
  assert.equal(recent.dryRun, true);
  assert.deepEqual(recent.wouldDelete, { job: 0 }, 'every job here finished minutes ago');
  assert.deepEqual(recent.jobs, []);
  assert.ok(Math.abs(Date.parse(recent.cutoff) - (started - 3_600_000)) < 60_000, recent.cutoff);

  // `--older-than 0`: every job that finished before now, listed with id, status and finish time.
  const all = json<{ wouldDelete: Record<string, number>; jobs: { id: string; table: string; status: string; finishedAt: string }[] }>(
    await cli(['jobs', 'clear', '--older-than', '0', '--dry-run', '--limit', '100', '--json']),
  );
  assert.deepEqual(all.wouldDelete, { job: finished });
  assert.equal(all.jobs.length, finished);
  for (const job of all.jobs) {
    assert.match(job.id, /^job:/);
    assert.equal(job.table, 'job');
    assert.ok(job.status === 'success' || job.status === 'failed', job.status);
    assert.ok(!Number.isNaN(Date.parse(job.finishedAt)), job.finishedAt);
  }

  assert.deepEqual(json<{ deleted: Record<string, number> }>(await cli(['jobs', 'clear', '--older-than', '1h', '--json'])).deleted, { job: 0 });
  const after = json<{ stats: { counts: Record<string, number> } }>(await cli(['jobs', 'list', '--json'])).stats.counts;
  assert.deepEqual(after, counts, 'neither the dry runs nor a real run with nothing old enough deleted anything');
});

void test('clear deletes finished jobs per table and keeps pending ones; --all also deletes pending ones', async () => {
  const pendingBefore = json<{ jobs: unknown[] }>(await cli(['jobs', 'list', '--status', 'pending', '--json'])).jobs.length;
  const finished = json<{ stats: { counts: Record<string, number> } }>(await cli(['jobs', 'list', '--json'])).stats.counts;
  const clear = await cli(['jobs', 'clear']);
  assert.equal(clear.status, 0, clear.stderr);
  const n = (finished['success'] ?? 0) + (finished['failed'] ?? 0);
  assert.equal(clear.stdout.trim(), `deleted ${n} job${n === 1 ? '' : 's'} from job`);
  const after = json<{ stats: { counts: Record<string, number> } }>(await cli(['jobs', 'list', '--json'])).stats.counts;
  assert.equal(after['success'], 0);
  assert.equal(after['failed'], 0);
  assert.equal(after['pending'], pendingBefore);

  const all = json<{ deleted: Record<string, number> }>(await cli(['jobs', 'clear', '--all', '--json']));
  assert.deepEqual(all.deleted, { job: pendingBefore });
  assert.equal(json<{ jobs: unknown[] }>(await cli(['jobs', 'list', '--json'])).jobs.length, 0);
});

/**
 * Writes job rows whose updated_at/created_at lie `agoMs` in the past into an embedded database,
 * in another process: the embedded engine keeps its files locked until its process exits.
 */
async function seedJobs(url: string, rows: { status: string; agoMs: number }[]): Promise<string[]> {
  const script = `
    const { openSurreal } = await import(${JSON.stringify(pathToFileURL(path.join(ROOT, 'src/adapters/db/connect.ts')).href)});
    const { deploySchema } = await import(${JSON.stringify(pathToFileURL(path.join(ROOT, 'src/adapters/db/deploySchema.ts')).href)});
    const [url, json] = process.argv.slice(1);
    const db = await openSurreal({ url, namespace: 'main', database: 'main' });
    await deploySchema(db, ['job']);
    const rows = JSON.parse(json).map(({ status, agoMs }) => {
      const at = new Date(Date.now() - agoMs);
      return { path: '/spookify', payload: '{}', status, created_at: at, updated_at: at };
    });
    const [created] = await db.query('INSERT INTO job $rows RETURN id', { rows });
    process.stdout.write(JSON.stringify(created.map((row) => String(row.id))));
    await db.close();
    process.exit(0);
  `;
  const { status, stdout, stderr } = await runNode(['--import', 'tsx', '--input-type=module', '-e', script, url, JSON.stringify(rows)]);
  if (status !== 0) throw new Error(`seeding ${url} failed (exit ${status}): ${stderr}`);
  return JSON.parse(stdout) as string[];
}

void test('clear --older-than 1h --dry-run against SurrealDB directly lists exactly the old finished jobs and deletes nothing; the real run then deletes exactly those', async () => {
  const dir = await mkdtemp(path.join(tmpdir(), 'spooky-cli-retention-'));
  const url = `surrealkv://${path.join(dir, 'surreal')}`;
  const HOUR = 3_600_000;
  try {
    const ids = await seedJobs(url, [
      { status: 'failed', agoMs: 48 * HOUR },
      { status: 'success', agoMs: 3 * HOUR },
      { status: 'success', agoMs: 10 * 60_000 },
      { status: 'pending', agoMs: 5 * HOUR },
      { status: 'processing', agoMs: 5 * HOUR },
    ]);
    const [oldFailed, oldSuccess, ...kept] = ids;
    const direct = ['--url', url];

    const dry = json<{ dryRun: boolean; cutoff: string; wouldDelete: Record<string, number>; jobs: { id: string; status: string; finishedAt: string }[] }>(
      await cli(['jobs', 'clear', '--older-than', '1h', '--dry-run', '--json', ...direct], { dataDir: false }),
    );
    assert.equal(dry.dryRun, true);
    assert.deepEqual(dry.wouldDelete, { job: 2 });
    assert.deepEqual(dry.jobs.map((job) => [job.id, job.status]), [[oldFailed, 'failed'], [oldSuccess, 'success']], 'oldest first');

    const text = await cli(['jobs', 'clear', '--older-than', '1h', '--dry-run', '--limit', '1', ...direct], { dataDir: false });
    assert.equal(text.status, 0, text.stderr);
    const lines = text.stdout.trimEnd().split('\n');
    assert.match(lines[0]!, /^dry run, nothing deleted: jobs that finished before \d{4}-\d\d-\d\dT[\d:.]+Z \(1h ago\)$/);
    assert.equal(lines[1], 'would delete 2 jobs from job');
    assert.match(lines[2]!, /^ {2}ID\s+STATUS\s+FINISHED AT$/);
    assert.match(lines[3]!, new RegExp(`^ {2}${oldFailed}\\s+failed\\s+\\S+Z \\(2d ago\\)$`));
    assert.equal(lines[4], '  … and 1 more (list more with --limit)');
    assert.equal(lines.length, 5);

    const listed = async () =>
      json<{ jobs: { id: string }[] }>(await cli(['jobs', 'list', '--json', ...direct], { dataDir: false })).jobs.map((job) => job.id).sort();
    assert.equal((await listed()).length, 5, 'the dry runs deleted nothing');

    const real = await cli(['jobs', 'clear', '--older-than', '1h', ...direct], { dataDir: false });
    assert.equal(real.status, 0, real.stderr);
    assert.equal(real.stdout.trim(), 'deleted 2 jobs from job (finished more than 1h ago)');
    assert.deepEqual(await listed(), [...kept].sort(), 'the recent finished job and the old pending and processing ones stay');
    assert.deepEqual(
      json<{ deleted: Record<string, number> }>(await cli(['jobs', 'clear', '--older-than', '1h', '--json', ...direct], { dataDir: false })).deleted,
      { job: 0 },
    );
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

void test('clear refuses --all with --older-than or --dry-run, --limit without --dry-run, and a bad --older-than, as bad usage (exit 2)', async () => {
  const runs = await Promise.all([
    cli(['jobs', 'clear', '--all', '--older-than', '7d']),
    cli(['jobs', 'clear', '--all', '--dry-run']),
    cli(['jobs', 'clear', '--older-than', '7d', '--limit', '5']),
    cli(['jobs', 'clear', '--older-than', 'a week']),
  ]);
  assertOneLineError(runs[0]!, 2, /^error: --all cannot be combined with --older-than: .*Drop --all .*or drop --older-than/);
  assertOneLineError(runs[1]!, 2, /^error: --dry-run does not support --all: /);
  assertOneLineError(runs[2]!, 2, /^error: --limit only applies to --dry-run/);
  assert.equal(runs[3]!.status, 2, runs[3]!.stderr);
  assert.match(runs[3]!.stderr, /^error: option '--older-than <duration>' argument 'a week' is invalid\. expected a duration/);
});

void test('jobs list names a queue whose pending jobs no runner serves, and --json reports it', async () => {
  const id = (await cli(['jobs', 'enqueue', 'api', '/send-reminder', '{"to":"q@example.com"}', '--queue', 'nobody-serves'])).stdout.trim();
  assert.match(id, /^job:/);
  const list = await cli(['jobs', 'list']);
  assert.equal(list.status, 0, list.stderr);
  assert.match(list.stdout, /queue nobody-serves \(api\): 1 pending job, no runner serves it .*spooky-temporal start --queues nobody-serves/);
  const listed = json<{ queues: { queue: string; pending: number; served: boolean }[] }>(await cli(['jobs', 'list', '--json']));
  assert.deepEqual(listed.queues.find((q) => q.queue === 'nobody-serves'), { ...listed.queues.find((q) => q.queue === 'nobody-serves'), pending: 1, served: false });
  assert.equal(listed.queues.find((q) => q.queue === 'default')?.served ?? true, true, 'the dev instance serves the default queue');
  await cli(['jobs', 'kill', id]);
});

void test('schedules create, list, trigger, pause, resume and delete work against the dev instance; a triggered slot enqueues its job with the schedule\'s priority and fairness key', async () => {
  const created = await cli(['schedules', 'create', 'cli-digest', '--every', '1h', '--path', '/spookify', '--payload', '{"id":"thread:digest"}', '--priority', 'high', '--fairness-key', 'tenant-acme', '--json']);
  assert.equal(created.status, 0, created.stderr);
  assert.equal(JSON.parse(created.stdout).managedBy, 'api');
  const table = await cli(['schedules', 'list']);
  assert.match(table.stdout, /NAME\s+WHEN\s+ENQUEUES/);
  assert.match(table.stdout, /cli-digest\s+every 1h UTC\s+api POST \/spookify\s+skip\s+active\s+api/);

  assert.equal((await cli(['schedules', 'trigger', 'cli-digest'])).stdout.trim(), 'schedule cli-digest triggered: one job enqueued now');
  const job = await waitFor('the triggered job to succeed', async () => {
    const jobs = json<{ jobs: JobJson[] }>(await cli(['jobs', 'list', '--json'])).jobs;
    return jobs.find((j) => j.id.startsWith('job:sched_cli_digest_') && j.status === 'success');
  });
  assert.match(job.id, /^job:sched_cli_digest_\d{8}T\d{6}\d*Z$/);
  const row = json<{ priority?: number; fairnessKey?: string; schedule?: string }>(await cli(['jobs', 'get', job.id, '--json']));
  assert.deepEqual([row.priority, row.fairnessKey, row.schedule], [2, 'tenant-acme', 'cli-digest'], "the slot's job has the schedule's priority and fairness key");

  assert.equal((await cli(['schedules', 'pause', 'cli-digest', '--note', 'maintenance'])).status, 0);
  const paused = json<{ name: string; paused: boolean; note?: string }[]>(await cli(['schedules', 'list', '--json'])).find((s) => s.name === 'cli-digest');
  assert.deepEqual([paused?.paused, paused?.note], [true, 'maintenance']);
  assert.equal((await cli(['schedules', 'resume', 'cli-digest'])).status, 0);
  assert.equal(json<{ name: string; paused: boolean }[]>(await cli(['schedules', 'list', '--json'])).find((s) => s.name === 'cli-digest')?.paused, false);
  assert.equal((await cli(['schedules', 'delete', 'cli-digest'])).stdout.trim(), 'schedule cli-digest deleted: jobs it already enqueued are kept');
  const gone = await cli(['schedules', 'pause', 'cli-digest']);
  assert.deepEqual([gone.status, gone.stderr.includes('no schedule named "cli-digest"')], [1, true]);
});

void test('schedules create refuses a bad cron expression or time zone as bad usage (exit 2), naming the field', async () => {
  const badCron = await cli(['schedules', 'create', 'cli-bad', '--cron', '0 25 * * *', '--path', '/spookify', '--payload', '{"id":"x"}']);
  assert.equal(badCron.status, 2, badCron.stderr);
  assert.match(badCron.stderr, /schedule cli-bad: cron: invalid cron expression "0 25 \* \* \*"/);
  const badZone = await cli(['schedules', 'create', 'cli-bad', '--cron', '0 3 * * *', '--timezone', 'Europe/Berlinn', '--path', '/spookify', '--payload', '{"id":"x"}']);
  assert.equal(badZone.status, 2, badZone.stderr);
  assert.match(badZone.stderr, /schedule cli-bad: timezone: unknown time zone "Europe\/Berlinn"/);
});

void test('bad usage exits 2: unknown option or command, bad --status, missing id, bad --delay, bad JSON payload', async () => {
  const runs = await Promise.all([
    cli(['jobs', 'list', '--bogus']),
    cli(['jobs', 'frobnicate']),
    cli(['jobs', 'list', '--status', 'weird']),
    cli(['jobs', 'get']),
    cli(['jobs', 'enqueue', 'api', '/spookify', '{}', '--delay', '5 parsecs']),
    cli(['jobs', 'enqueue', 'api', '/spookify', '{not json']),
    cli(['start', '--bridge-only', '--worker-only']),
  ]);
  for (const run of runs) {
    assert.equal(run.status, 2, run.stderr);
    assert.match(run.stderr, /^error: /);
    assert.doesNotMatch(run.stderr, /\n\s+at /);
  }
});

void test('an unreachable database is one line saying what was tried, exit 1 (jobs, schema deploy and start)', async () => {
  const config = path.join(ROOT, 'examples/sp00ky.yml');
  const [list, deploy, start] = await Promise.all([
    cli(['jobs', 'list', '--url', 'ws://127.0.0.1:1'], { dataDir: false }),
    cli(['schema', 'deploy', '--url', 'ws://127.0.0.1:1', '--config', config], { dataDir: false }),
    cli(['start', '--url', 'ws://127.0.0.1:1', '--config', config, '--temporal-address', '127.0.0.1:1', '--connect-attempts', '2'], {
      dataDir: false,
    }),
  ]);
  assertOneLineError(list, 1, /^error: cannot connect to SurrealDB at ws:\/\/127\.0\.0\.1:1\/ .*connection refused.*SURREAL_URL/);
  assertOneLineError(deploy, 1, /^error: cannot connect to SurrealDB at ws:\/\/127\.0\.0\.1:1\//);
  assertOneLineError(start, 1, /^error: cannot reach Temporal at 127\.0\.0\.1:1 .*TEMPORAL_ADDRESS/);
  assert.match(start.stdout, /"attempt":1,"attempts":2.*retrying/, 'logs the retry');
});

void test('without a running dev instance, jobs says where it looked and how to start one', async () => {
  assertOneLineError(await cli(['jobs', 'list'], { dataDir: emptyDir }), 1, /^error: no dev instance found \(.*dev\.json does not exist\): start one with `npm start`/);
});

void test('--help on every command exits 0 and shows an example', async () => {
  const commands = [[], ['dev'], ['start'], ['schema', 'deploy'], ['jobs'], ['jobs', 'list'], ['jobs', 'get'], ['jobs', 'kill'], ['jobs', 'retry'], ['jobs', 'clear'], ['jobs', 'enqueue'], ['schedules'], ['schedules', 'list'], ['schedules', 'create'], ['schedules', 'pause'], ['schedules', 'resume'], ['schedules', 'trigger'], ['schedules', 'delete']];
  const runs = await Promise.all(commands.map((command) => cli([...command, '--help'], { dataDir: false })));
  runs.forEach((run, i) => {
    assert.equal(run.status, 0, `${commands[i]!.join(' ')}: ${run.stderr}`);
    assert.match(run.stdout, /Examples?:\n {2}\$ /, commands[i]!.join(' '));
  });
});

void test("dev.json is its owner's only and holds the endpoint and this run's credential; the endpoint takes that credential, refuses a wrong one and a page of another origin, and the password is never printed", async () => {
  const file = path.join(dataDir, 'dev.json');
  assert.equal((await stat(file)).mode & 0o777, 0o600);
  const dev = JSON.parse(await readFile(file, 'utf8')) as { surrealUrl: string; surrealNamespace: string; surrealDatabase: string; surrealUser: string; surrealPassword: string };
  const connection = { url: dev.surrealUrl, namespace: dev.surrealNamespace, database: dev.surrealDatabase, username: dev.surrealUser, authLevel: 'root' as const };

  const db = await openSurreal({ ...connection, password: dev.surrealPassword }, { timeoutMs: 10_000 });
  try {
    const [jobs] = await db.query<[unknown[]]>('SELECT id FROM job');
    assert.ok(Array.isArray(jobs), 'the signed-in socket reads the job table');
  } finally {
    await db.close();
  }
  const refused = await openSurreal({ ...connection, password: `${dev.surrealPassword}x` }, { timeoutMs: 10_000 }).then(
    async (wrong) => (await wrong.close(), assert.fail('a wrong password was accepted')),
    (e: unknown) => e,
  );
  assert.ok(refused instanceof CredentialsRefusedError, String(refused));

  const otherPage = `http://127.0.0.1:${await freePort()}`;
  const status = await new Promise<number>((resolve, reject) => {
    const socket = new WebSocket(`${dev.surrealUrl}/rpc`, 'cbor', { origin: otherPage });
    const timer = setTimeout(() => reject(new Error('no answer to the upgrade within 5 s')), 5_000);
    socket.on('open', () => (clearTimeout(timer), socket.close(), resolve(101)));
    socket.on('unexpected-response', (request, response) => (clearTimeout(timer), request.destroy(), resolve(response.statusCode ?? 0)));
    socket.on('error', (error) => (clearTimeout(timer), reject(error)));
  });
  assert.equal(status, 403);
  await waitFor('the refusal in the dev output', () => Promise.resolve(devOutput.includes(`Origin "${otherPage}" is not allowed`) ? true : undefined), 5_000);
  assert.ok(!devOutput.includes(dev.surrealPassword), 'dev never prints the password');
});

const TMUX_SESSION = `spooky-cli-${process.pid}`;

function capture(): string {
  return spawnSync('tmux', ['capture-pane', '-p', '-t', TMUX_SESSION], { encoding: 'utf8' }).stdout;
}

void test('the dashboard in a terminal shows the jobs, k kills the selected pending job, q leaves a clean terminal', async () => {
  await cli(['jobs', 'clear', '--all']);
  const id = await enqueueDelayed('dashboard@example.com');
  const command = `${process.execPath} ${NODE_ARGS.join(' ')} jobs --data-dir ${dataDir}; echo EXITED:$?; sleep 30`;
  const started = spawnSync('tmux', ['new-session', '-d', '-s', TMUX_SESSION, '-x', '160', '-y', '45', `sh -c '${command}'`], {
    cwd: ROOT,
    encoding: 'utf8',
  });
  assert.equal(started.status, 0, started.stderr);

  const screen = await waitFor('the dashboard', () => Promise.resolve(capture().includes(`> ${id}`) ? capture() : undefined), 20_000);
  assert.match(screen, /^spooky-temporal jobs · dev instance/m);
  assert.match(screen, /^1 pending 0 processing 0 success 0 failed \(1 total\)/m);
  assert.match(screen, /^ {2}ID\s+BACKEND\s+PATH\s+STATUS\s+RETRY\s+AGE\s+LAST ERROR/m);
  assert.match(screen, new RegExp(`^> ${id}\\s+api\\s+/send-reminder\\s+pending`, 'm'));
  assert.match(screen, /payload \{"to":"dashboard@example\.com"\}/);
  assert.match(screen, /↑\/↓ select {2}Enter details {2}k kill/);

  spawnSync('tmux', ['send-keys', '-t', TMUX_SESSION, 'k']);
  const killed = await waitFor('the kill', async () => {
    const job = await getJob(id);
    return job.status === 'failed' ? job : undefined;
  });
  assert.equal(killed.errors.at(-1)?.code, 'killed');
  await waitFor('the dashboard to show it', () => Promise.resolve(/killed job:\S+ \(was pending\)/.test(capture()) ? true : undefined), 10_000);
  assert.match(capture(), new RegExp(`^> ${id}\\s+api\\s+/send-reminder\\s+failed\\s+0/3\\s+\\S+\\s+\\[killed\\] killed by operator`, 'm'));

  spawnSync('tmux', ['send-keys', '-t', TMUX_SESSION, 'q']);
  const after = await waitFor('exit', () => Promise.resolve(capture().includes('EXITED:') ? capture() : undefined), 10_000);
  assert.match(after, /EXITED:0/);
  assert.doesNotMatch(after, /spooky-temporal jobs ·|BACKEND|↑\/↓ select/, 'the alternate screen is gone');
});

void test('start runs the bridge, logs JSON lines, and drains and exits 0 on SIGTERM', async () => {
  // Bridge only, on its own in-memory database: it must not take the dev instance's tasks.
  const child = spawn(
    process.execPath,
    [...NODE_ARGS, 'start', '--bridge-only', '--deploy-schema', '--url', 'mem://', '--config', path.join(ROOT, 'examples/sp00ky.yml'), '--temporal-address', temporalAddress],
    { cwd: ROOT, env: cleanEnv(), stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  try {
    await waitFor('runner started', () => Promise.resolve(output.includes('"msg":"runner started"') ? true : undefined), 30_000);
    const started = JSON.parse(output.split('\n').find((line) => line.includes('runner started'))!) as { mode: string; temporal: string };
    assert.equal(started.mode, 'bridge');
    assert.equal(started.temporal, temporalAddress);
    child.kill('SIGTERM');
    assert.equal(await Promise.race([exited, sleep(20_000).then(() => 'timeout')]), 0, output);
    assert.match(output, /"msg":"SIGTERM: stopping, draining in-flight calls"[\s\S]*"msg":"stopped"/);
    assert.doesNotMatch(output, /example-token-change-me/, 'never logs the backend token');
  } finally {
    if (child.exitCode === null) child.kill('SIGKILL');
  }
});

void test('SIGTERM stops the dev instance: it exits 0 and removes dev.json', async () => {
  dev!.kill('SIGTERM');
  const code = await Promise.race([devExit, sleep(30_000).then(() => 'timeout' as const)]);
  assert.equal(code, 0, devOutput);
  assert.equal(existsSync(path.join(dataDir, 'dev.json')), false);
  assert.match(devOutput, /stopping: draining in-flight calls/);
});
