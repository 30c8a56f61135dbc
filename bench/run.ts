// `npm run bench [-- --jobs 2000 --waiting 10000] [--stack]`: the runner on this machine against
// the Temporal floor measured in the same run, on the same server: the dev server (SQLite file,
// the timer setting every dev server gets), or with --stack the production stack (Temporal on
// PostgreSQL with mTLS, the SurrealDB server). Prints a table, writes bench/results.json and
// bench/latency.svg (results-stack.json, latency-stack.svg). Not part of `npm test`: timings belong here, not in assertions.
//
// Latencies (pickup, end to end, timer lateness) use a runner inside this process, so its
// events carry exact times. Throughput, CPU, memory and the two-runner run use runner
// processes started as an operator starts them (`spooky-temporal start`), connected over
// ws:// to the embedded SurrealDB engine through the chaos run's relay.
// This file is the order of the measures; each measure is in its own file.
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { Client } from '@temporalio/client';
import { DefaultLogger, Runtime } from '@temporalio/worker';
import { COUNTING_BACKEND_PATHS, startCountingBackend } from '../chaos/countingBackend.js';
import { benchEnvironment } from './environments.js';
import { measureFloor, measureFloorStartRate, startFloorWorker } from './floor.js';
import { measureEndToEnd, measureKill, measurePickup, startInProcessRunner } from './inProcessLatency.js';
import { jobRows } from './jobRows.js';
import { burstThrough } from './processThroughput.js';
import { startOtlpSink } from './otlpSink.js';
import { printTable, writeResultFiles } from './report.js';
import { benchResults, type BenchMeasures } from './results.js';
import { measureTimers } from './timerAccuracy.js';
import { measureWaitingCost } from './waitingCost.js';

const { values: flags } = parseArgs({
  options: { jobs: { type: 'string', default: '2000' }, waiting: { type: 'string', default: '10000' }, stack: { type: 'boolean', default: false } },
});
const BURST = Number(flags.jobs);
const WAITING = Number(flags.waiting);
const SAMPLES = 50;
const log = (line: string) => console.error(`[bench ${new Date().toISOString().slice(11, 19)}] ${line}`);

// Runner processes run the compiled CLI, as in production (tsx would add its own memory).
execFileSync('npm', ['run', '--silent', 'build'], { cwd: fileURLToPath(new URL('..', import.meta.url)), stdio: 'inherit' });
Runtime.install({ logger: new DefaultLogger('WARN') }); // no worker state chatter in the table's way
const environment = await benchEnvironment(flags.stack ? 'stack' : 'dev', log);
const rows = jobRows(environment.db);
const backend = await startCountingBackend();
const backendConfig = { name: 'api', table: 'job', baseUrl: backend.url, concurrency: 100, backoffBaseMs: 200, maxRetriesLimit: 100, allowedPaths: COUNTING_BACKEND_PATHS };
const processEnv = {
  SPKY_JOB_CONFIG: JSON.stringify([{ name: 'api', table: 'job', base_url: backend.url, concurrency: 100, backoff_base_ms: 200, allowed_paths: COUNTING_BACKEND_PATHS }]),
  ...environment.runnerEnv,
  LOG_LEVEL: 'warn',
};
const clientConnection = await environment.connectClient();
const client = new Client({ connection: clientConnection });

// The floor's worker, on the same server, runs beside everything below.
const floorWorker = await startFloorWorker(environment);

// ---- Latencies, with a runner in this process ----
const inProcess = await startInProcessRunner(environment.db, { backends: [backendConfig], temporal: environment.temporal }, rows);
log('1. pickup at 10 jobs/s');
const steady = await measurePickup(inProcess, rows, SAMPLES);
log('2. end to end, one job at a time');
const e2e = await measureEndToEnd(inProcess, rows, SAMPLES);
log('3. kill of a call in flight: from kill() to the backend seeing the request aborted');
const kills = await measureKill(inProcess, rows, backend);
log('5. delay and backoff accuracy');
const timers = await measureTimers(client, inProcess, rows, floorWorker, backend, SAMPLES);
log('6. history cost');
const eventsOf = async (id: string) => (await client.workflow.getHandle(id).fetchHistory()).events?.length ?? 0;
const events = { first: await eventsOf(steady.jobIds[0]!), third: await eventsOf(timers.flaky[0]!), delayed: await eventsOf(timers.delayed[0]!) };
await inProcess.runner.stop();

// ---- Throughput: one runner process, then two ----
log(`3. burst of ${BURST} jobs through one runner process`);
const one = await burstThrough(1, BURST, processEnv, rows, backend);
log(`3b. the same burst, tracing on (spans over OTLP to a counting sink)`);
const sink = await startOtlpSink();
const traced = await burstThrough(1, BURST, { ...processEnv, OTEL_EXPORTER_OTLP_ENDPOINT: sink.url }, rows, backend);
const tracedSpans = sink.spans();
await sink.close();
log(`8. burst of ${BURST} jobs through two runner processes`);
const two = await burstThrough(2, BURST, processEnv, rows, backend);

// ---- The floor, same server: one no-op activity per workflow, straight from a client ----
log('4. the Temporal floor');
const floor = await measureFloor(client, floorWorker.taskQueue, SAMPLES, BURST);
await floorWorker.stop();
const floorStartsPerSecond = await measureFloorStartRate(client, WAITING);

// ---- Waiting cost: rows delayed by an hour, written while no runner runs ----
log(`7. ${WAITING} jobs delayed by an hour`);
const waitingCost = await measureWaitingCost(WAITING, client, processEnv, rows);

const measures: BenchMeasures = {
  burst: BURST,
  waiting: WAITING,
  one,
  traced: { ...traced, spans: tracedSpans },
  two,
  floor,
  floorStartsPerSecond,
  pickup: steady.pickup,
  e2e,
  ...kills,
  timers,
  events,
  waitingCost,
};
const results = benchResults(measures);
printTable(results, environment.name);
writeResultFiles(results, measures, environment.name);

await clientConnection.close();
await backend.close();
await environment.close();
// The Temporal SDK's native runtime can outlive every closed worker and connection; exit
// explicitly so the bench always ends on its own.
process.exit(0);
