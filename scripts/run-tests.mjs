#!/usr/bin/env node
// `npm test`'s test step: the unit and integration files two at a time, as before, and beside
// them, in a slot of their own, the files that mostly wait (on Core's 60 s grace, an outage, a
// refused write retried for seconds): they cost little CPU, so running them alongside shortens
// the suite without making the timing-bound files share the CPU with a third busy file.
// Their output is printed once the main group is done, so the two never interleave.
import { spawn } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';

const WAITING_FILES = ['workerFailure', 'temporalOutage', 'refusedOutcomeWrite', 'killWait'].map((name) => `test/integration/${name}.test.ts`);
const NODE_TEST = ['--import', 'tsx', '--test', '--test-force-exit', '--test-timeout=420000'];

const list = (dir) => readdirSync(dir).filter((f) => f.endsWith('.test.ts')).map((f) => join(dir, f)).sort();
const all = [...list('test/unit'), ...list('test/integration')];
const missing = WAITING_FILES.filter((f) => !all.includes(f));
if (missing.length) {
  console.error(`run-tests: ${missing.join(', ')} not found: update WAITING_FILES in scripts/run-tests.mjs`);
  process.exit(1);
}
const main = all.filter((f) => !WAITING_FILES.includes(f));

function run(files, concurrency, capture) {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [...NODE_TEST, `--test-concurrency=${concurrency}`, ...files], {
      stdio: ['ignore', capture ? 'pipe' : 'inherit', capture ? 'pipe' : 'inherit'],
    });
    const chunks = [];
    if (capture) {
      child.stdout.on('data', (chunk) => chunks.push(chunk));
      child.stderr.on('data', (chunk) => chunks.push(chunk));
    }
    child.on('exit', (code, signal) => resolve({ code: code ?? (signal ? 1 : 0), output: Buffer.concat(chunks).toString('utf8') }));
  });
}

const waiting = run(WAITING_FILES, 1, true);
const mainResult = await run(main, 2, false);
const waitingResult = await waiting;
console.log(`\n── files that mostly wait (run beside the others): ${WAITING_FILES.join(', ')}\n`);
process.stdout.write(waitingResult.output);
process.exit(mainResult.code || waitingResult.code);
