// `npm run stack`: builds (once) and runs the production stack on this machine: PostgreSQL,
// Temporal with mTLS and its Web UI, SurrealDB (ws:// and wss://), the example app's backend,
// one `start --bridge-only` and two `start --worker-only` processes. Prints the addresses;
// Ctrl-C stops everything. State and logs: .stack/ (delete it to start from scratch).
import path from 'node:path';
import { startExampleBackend } from '../examples/backend.js';
import { ensureStackTools } from './buildTools.js';
import { ROOT, stackLayout } from './layout.js';
import { deployStackSchema, stackRunners, startStack } from './startStack.js';

const log = (line: string) => console.log(`[stack] ${line}`);
const layout = stackLayout();
const EXAMPLE_TOKEN = 'example-token-change-me';

const t0 = Date.now();
await ensureStackTools(log);
const backend = await startExampleBackend({ port: layout.ports.backend, host: '127.0.0.1', token: EXAMPLE_TOKEN, log: () => undefined });
const jobConfig = [
  {
    name: 'api',
    table: 'job',
    base_url: `http://127.0.0.1:${layout.ports.backend}`,
    auth_token: EXAMPLE_TOKEN,
    spec: path.join(ROOT, 'examples/api/openapi.yml'),
    timeout: 10,
    concurrency: 10,
  },
];
const stack = await startStack({ layout, log });
// The job table and fn::job::*, as the compose stack's `schema` service deploys them.
await deployStackSchema(stack, jobConfig);
const runners = stackRunners(stack, { bridges: 1, workers: 2, jobConfig, logLevel: 'info' });
runners.forEach((runner) => runner.start());

const cli = `SPKY_JOB_CONFIG='${JSON.stringify(jobConfig).replaceAll("'", "'\\''")}' ${Object.entries(stack.runnerEnv)
  .filter(([key]) => key !== 'SURREAL_PASS')
  .map(([key, value]) => `${key}=${value}`)
  .join(' ')} SURREAL_PASS=$(cat .stack/surreal-password)`;
console.log(`
spooky-temporal production stack is up (${Math.round((Date.now() - t0) / 1000)} s)

  Temporal (mTLS)     ${stack.addresses.temporal}   CA, client cert and key in .stack/certs (server name ${stack.tls.serverName})
  Temporal Web UI     ${stack.addresses.ui ?? '(off)'}
  PostgreSQL          ${stack.addresses.postgres}   user temporal, password in .stack/postgres/password
  SurrealDB           ${stack.addresses.surreal}   user root, password in .stack/surreal-password
                      ${stack.addresses.surrealViaProxy} (the runners' way in, through the stall proxy)
                      ${stack.addresses.surrealTls} (TLS, CA .stack/certs/ca.pem, in-memory)
  example backend     http://127.0.0.1:${layout.ports.backend}
  runners             bridge-1 (--bridge-only), worker-1, worker-2 (--worker-only)
  logs                .stack/logs/

Enqueue a job from another terminal:
  ${cli} npx tsx src/app/cli/main.ts jobs enqueue api /spookify '{"id":"thread:1"}'

Ctrl-C stops everything.`);

let stopping = false;
const stop = async () => {
  if (stopping) return;
  stopping = true;
  log('stopping');
  await Promise.all(runners.map((runner) => runner.stop()));
  await stack.stop();
  await backend.close();
  process.exit(0);
};
process.on('SIGINT', () => void stop());
process.on('SIGTERM', () => void stop());
