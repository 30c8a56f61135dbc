// PostgreSQL for Temporal's persistence: a cluster of its own under .stack/postgres, a
// `temporal` superuser with a generated password (scram-sha-256), listening on 127.0.0.1 only.
// As root the server runs as the `postgres` user (it refuses root).
import { execFile, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chownSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { postgresBinDir } from './buildTools.js';
import { waitForPort } from './waitFor.js';

const exec = promisify(execFile);
const asRoot = process.getuid?.() === 0;

export class Postgres {
  readonly user = 'temporal';
  readonly dataDir: string;
  readonly #passwordFile: string;
  readonly #bin = process.env.STACK_POSTGRES_BIN ?? postgresBinDir();

  constructor(
    private readonly dir: string,
    readonly port: number,
  ) {
    this.dataDir = path.join(dir, 'data');
    this.#passwordFile = path.join(dir, 'password');
  }

  get password(): string {
    return readFileSync(this.#passwordFile, 'utf8');
  }

  /** Runs a PostgreSQL program, as the `postgres` user when we are root. */
  #run(program: string, args: string[], timeoutMs = 60_000) {
    const file = path.join(this.#bin, program);
    return asRoot ? exec('runuser', ['-u', 'postgres', '--', file, ...args], { timeout: timeoutMs }) : exec(file, args, { timeout: timeoutMs });
  }

  async init(): Promise<void> {
    if (existsSync(path.join(this.dataDir, 'PG_VERSION'))) return;
    rmSync(this.dir, { recursive: true, force: true });
    mkdirSync(this.dir, { recursive: true });
    writeFileSync(this.#passwordFile, randomBytes(18).toString('base64url'), { mode: 0o600 });
    const pwfile = path.join(this.dir, 'initdb-password');
    writeFileSync(pwfile, this.password, { mode: 0o600 });
    if (asRoot) {
      chownSync(this.dir, postgresUid(), postgresGid());
      chownSync(pwfile, postgresUid(), postgresGid());
    }
    try {
      await this.#run('initdb', ['-D', this.dataDir, '-U', this.user, `--pwfile=${pwfile}`, '-A', 'scram-sha-256', '-E', 'UTF8']);
    } finally {
      rmSync(pwfile, { force: true });
    }
  }

  async start(): Promise<void> {
    const options = `-p ${this.port} -k ${this.dir} -c listen_addresses=127.0.0.1 -c max_connections=200`;
    await this.#run('pg_ctl', ['-D', this.dataDir, '-o', options, '-l', path.join(this.dir, 'server.log'), '-w', '-t', '60', 'start'], 90_000);
    await waitForPort(this.port, 30_000, 'PostgreSQL');
  }

  async stop(): Promise<void> {
    await this.#run('pg_ctl', ['-D', this.dataDir, '-m', 'fast', '-w', '-t', '60', 'stop'], 90_000).catch(() => undefined);
  }

  /** A crash: every server process quits at once, and the next start runs crash recovery. */
  async crash(): Promise<void> {
    await this.#run('pg_ctl', ['-D', this.dataDir, '-m', 'immediate', '-w', '-t', '30', 'stop'], 60_000);
  }

  /** For an exit hook: stops the server at once, synchronously (a crashed run must not leave it running). */
  stopNowSync(): void {
    const file = path.join(this.#bin, 'pg_ctl');
    const args = ['-D', this.dataDir, '-m', 'immediate', 'stop'];
    spawnSync(asRoot ? 'runuser' : file, asRoot ? ['-u', 'postgres', '--', file, ...args] : args, { timeout: 10_000, stdio: 'ignore' });
  }

  /** The variables Temporal's schema tool and its config template read. */
  get env(): NodeJS.ProcessEnv {
    return {
      SQL_HOST: '127.0.0.1',
      SQL_PORT: String(this.port),
      SQL_USER: this.user,
      SQL_PASSWORD: this.password,
      POSTGRES_SEEDS: '127.0.0.1',
      DB_PORT: String(this.port),
      POSTGRES_USER: this.user,
      POSTGRES_PWD: this.password,
    };
  }
}

function postgresUid(): number {
  return Number(readFileSync('/etc/passwd', 'utf8').split('\n').find((l) => l.startsWith('postgres:'))?.split(':')[2] ?? NaN);
}

function postgresGid(): number {
  return Number(readFileSync('/etc/passwd', 'utf8').split('\n').find((l) => l.startsWith('postgres:'))?.split(':')[3] ?? NaN);
}
