#!/usr/bin/env node
// Runs before `npm start`, `npm test` and `npm run bench`: a fresh clone needs nothing
// installed by hand. Installs the npm dependencies (npm ci) when they are missing, then
// makes sure a `temporal` CLI is available (ensure-temporal-cli.mjs). Plain Node, no dependencies.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const repo = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';

function run(cmd, args) {
  const result = spawnSync(cmd, args, { cwd: repo, stdio: 'inherit' });
  if (result.status !== 0) {
    console.error(`setup: \`${[cmd, ...args].join(' ')}\` failed (exit ${result.status ?? result.signal}); fix the error above and run it again`);
    process.exit(1);
  }
}

// The installed tree is complete when npm's own record of it and our key packages exist.
const installed = ['node_modules/.package-lock.json', 'node_modules/@temporalio/worker', 'node_modules/tsx'].every((p) =>
  existsSync(join(repo, p)),
);
if (!installed) {
  console.log('setup: npm dependencies are missing; running npm ci');
  run(npm, ['ci', '--no-audit', '--no-fund']);
}
run(process.execPath, [join(repo, 'scripts', 'ensure-temporal-cli.mjs')]);
