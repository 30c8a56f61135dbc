// `npm run load [-- --jobs 10000 --queued 100000 --minutes 4 --modes live,catch-up]`: limits that
// hold under load. One runner process (`spooky-temporal start`, compiled) with a backend of
// `concurrency: 2`, on the dev server (SQLite file) and the embedded SurrealDB on disk:
//   1. a backlog of --jobs rows drained: calls in flight per worker (never more than 2), drain
//      time, jobs/s, the runner's RSS every second, every row success and called once;
//   2. --queued rows (per mode, each in a fresh environment): the runner's RSS while it picks
//      them up, for --minutes after they are in (not drained: that would take hours here).
// Prints a table, writes bench/results-load.json; exits 1 when a limit did not hold.
// Timings are the shared machine's: noisy. Not part of `npm test`.
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { Client } from '@temporalio/client';
import { benchEnvironment } from './environments.js';
import { jobRows } from './jobRows.js';
import { startLoadBackend } from './loadBackend.js';
import { drainBacklog, type DrainResult } from './loadDrain.js';
import { queuedBacklog, type QueuedResult } from './loadQueued.js';
import { loadFailures, printLoadTable, writeLoadResults } from './loadReport.js';
import { LOAD_CONCURRENCY, loadRunnerEnv } from './loadRunner.js';

const { values: flags } = parseArgs({
  options: {
    jobs: { type: 'string', default: '10000' },
    queued: { type: 'string', default: '100000' },
    minutes: { type: 'string', default: '4' },
    modes: { type: 'string', default: 'live,catch-up' },
  },
});
const JOBS = Number(flags.jobs);
const QUEUED = Number(flags.queued);
const MINUTES = Number(flags.minutes);
const MODES = flags.modes.split(',').filter((m): m is 'live' | 'catch-up' => m === 'live' || m === 'catch-up');
const log = (line: string) => console.error(`[load ${new Date().toISOString().slice(11, 19)}] ${line}`);

// The runner runs the compiled CLI, as in production (tsx would add its own memory).
execFileSync('npm', ['run', '--silent', 'build'], { cwd: fileURLToPath(new URL('..', import.meta.url)), stdio: 'inherit' });
const backend = await startLoadBackend();

/** One measure in a fresh environment (Temporal dev server, SurrealDB), closed afterwards. */
async function inFreshEnvironment<T>(measure: (deps: { env: NodeJS.ProcessEnv; rows: ReturnType<typeof jobRows>; client: Client }) => Promise<T>): Promise<T> {
  const environment = await benchEnvironment('dev', log);
  const connection = await environment.connectClient();
  try {
    return await measure({ env: loadRunnerEnv(backend, environment.runnerEnv), rows: jobRows(environment.db), client: new Client({ connection }) });
  } finally {
    await connection.close();
    await environment.close();
  }
}

let drain: DrainResult | undefined;
const queued: QueuedResult[] = [];
if (JOBS > 0) {
  log(`1. a backlog of ${JOBS} jobs, concurrency ${LOAD_CONCURRENCY}, drained by one runner process`);
  drain = await inFreshEnvironment(({ env, rows }) => drainBacklog(JOBS, env, rows, backend, log));
  writeLoadResults(drain, queued, ['unfinished: the run stopped after the drain']); // a run cut short keeps what it measured
}
for (const mode of QUEUED > 0 ? MODES : []) {
  log(`2. ${QUEUED} jobs queued (${mode}): the runner's RSS for ${MINUTES} min`);
  queued.push(await inFreshEnvironment(({ env, rows, client }) => queuedBacklog(mode, QUEUED, MINUTES, { env, rows, backend, client, log })));
  writeLoadResults(drain, queued, [`unfinished: the run stopped after ${queued.length} queued measure(s)`]);
}

const failures = loadFailures(drain, queued, LOAD_CONCURRENCY);
printLoadTable(drain, queued);
writeLoadResults(drain, queued, failures);
for (const failure of failures) console.error(`FAILED: ${failure}`);
await backend.close();
// The Temporal SDK's native runtime can outlive every closed connection; exit explicitly.
process.exit(failures.length ? 1 : 0);
