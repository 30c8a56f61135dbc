// `npm run bench`: jobs through the whole pipeline (row → bridge → workflow → HTTP → row)
// on this machine: a Temporal dev server with a SQLite file (WAL), embedded SurrealDB,
// a local backend that answers at once. Prints pickup latency, end-to-end latency, throughput.
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { openSurreal } from '../src/db/connect.js';
import { createRunner } from '../src/runner/createRunner.js';
import { startDevServer } from '../src/temporal/devServer.js';
import { JOB_SEARCH_ATTRIBUTES } from '../src/workflows/searchAttributes.js';
import { silentLogger } from '../src/logger.js';

const BURST = Number(process.env['BENCH_JOBS'] ?? 300);
const SEQUENTIAL = 20;

const dir = await mkdtemp(join(tmpdir(), 'spooky-bench-'));
const temporal = await startDevServer({ ui: false, dbFilename: join(dir, 'temporal.db'), searchAttributes: JOB_SEARCH_ATTRIBUTES });
const backend = createServer((req, res) => {
  req.resume();
  req.on('end', () => {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end('{"ok":true}');
  });
});
await new Promise<void>((resolve) => backend.listen(0, '127.0.0.1', resolve));
const backendUrl = `http://127.0.0.1:${(backend.address() as AddressInfo).port}`;
const db = await openSurreal({ url: 'mem://', namespace: 'bench', database: 'bench' });
const runner = await createRunner({
  db,
  logger: silentLogger(),
  deploySchema: true,
  config: {
    backends: [
      {
        name: 'api',
        table: 'job',
        baseUrl: backendUrl,
        specPath: fileURLToPath(new URL('../test/fixtures/jobs-openapi.yml', import.meta.url)),
        concurrency: 100,
      },
    ],
    temporal: { address: temporal.address, namespace: 'default' },
  },
});

const createdAt = new Map<string, number>();
const startedAt = new Map<string, number>();
const doneAt = new Map<string, number>();
runner.events.on('job', (event) => {
  if (event.status === 'started') startedAt.set(event.jobId, performance.now());
  if (event.status === 'success') doneAt.set(event.jobId, performance.now());
});
await runner.start();

async function insert(): Promise<string> {
  const [rows] = await db.query<[{ id: unknown }[]]>(
    "CREATE job CONTENT { path: '/echo', payload: '{}', max_retries: 0, retry_strategy: 'linear', status: 'pending' } RETURN id",
  );
  const id = String(rows[0]!.id);
  createdAt.set(id, performance.now());
  return id;
}

async function waitAll(ids: string[], timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (ids.some((id) => !doneAt.has(id))) {
    if (Date.now() > deadline) throw new Error(`${ids.filter((id) => !doneAt.has(id)).length} jobs unfinished`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;
}

function summary(label: string, ids: string[]): string {
  const pickup = ids.map((id) => startedAt.get(id)! - createdAt.get(id)!);
  const e2e = ids.map((id) => doneAt.get(id)! - createdAt.get(id)!);
  const f = (n: number) => n.toFixed(0).padStart(6);
  return `${label.padEnd(26)} pickup p50 ${f(percentile(pickup, 50))} ms  p95 ${f(percentile(pickup, 95))} ms   end-to-end p50 ${f(percentile(e2e, 50))} ms  p95 ${f(percentile(e2e, 95))} ms`;
}

// Warm up (first workflow task, first activity, connection pools).
await waitAll([await insert()], 30_000);

const sequential: string[] = [];
for (let i = 0; i < SEQUENTIAL; i++) {
  const id = await insert();
  sequential.push(id);
  await waitAll([id], 30_000);
}

const burstStart = performance.now();
const burst = await Promise.all(Array.from({ length: BURST }, () => insert()));
await waitAll(burst, 300_000);
const burstSeconds = (performance.now() - burstStart) / 1000;

console.log(`spooky-temporal bench (${new Date().toISOString()}, node ${process.version})`);
console.log(summary(`${SEQUENTIAL} jobs one at a time`, sequential));
console.log(summary(`${BURST} jobs at once`, burst));
console.log(`${BURST} jobs at once: ${burstSeconds.toFixed(1)} s, ${(BURST / burstSeconds).toFixed(1)} jobs/s (Temporal dev server on SQLite is the ceiling)`);

await runner.stop();
await db.close();
backend.close();
await temporal.stop();
await rm(dir, { recursive: true, force: true });
