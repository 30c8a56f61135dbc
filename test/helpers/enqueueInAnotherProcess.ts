// Run by tests as a separate process: connects over ws://, prints `ready`, waits for a line on
// stdin (so both processes start at the same moment), then enqueues `count` jobs at once with
// one idempotency key and prints their ids as JSON. Args: url, config JSON, key, count.
import { once } from 'node:events';
import { openSurreal } from '../../src/adapters/db/connect.js';
import { silentLogger } from '../../src/adapters/logger.js';
import { createRunner } from '../../src/app/runner/createRunner.js';

const [url, configJson, key, count] = process.argv.slice(2) as [string, string, string, string];
const db = await openSurreal({ url, namespace: 'test', database: 'handles' });
const runner = await createRunner({ db, config: JSON.parse(configJson), logger: silentLogger() });
process.stdout.write('ready\n');
process.stdin.resume();
await once(process.stdin, 'data');
const ids = await Promise.all(Array.from({ length: Number(count) }, (_, n) => runner.jobs.enqueue('api', '/echo', { n }, { idempotencyKey: key })));
process.stdout.write(`${JSON.stringify(ids)}\n`);
await db.close();
process.exit(0);
