// A server process of the stack: started with its log in .stack/logs, killed without warning
// (SIGKILL, as a crash would) or stopped (SIGTERM, then SIGKILL after a deadline).
import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, mkdirSync } from 'node:fs';
import path from 'node:path';
import { waitForPort } from './waitFor.js';

export interface ProcessSpec {
  name: string;
  command: string;
  args: string[];
  env?: NodeJS.ProcessEnv;
  cwd?: string;
  /** A TCP port that accepts connections once the process is up. */
  port?: number;
}

/** Every child still running when this process exits (even on a crash) is killed, not orphaned. */
const running = new Set<ChildProcess>();
process.once('exit', () => {
  for (const child of running) child.kill('SIGKILL');
});

export class ManagedProcess {
  #child: ChildProcess | undefined;
  #tail: string[] = [];

  constructor(
    readonly spec: ProcessSpec,
    private readonly logsDir: string,
  ) {}

  get name(): string {
    return this.spec.name;
  }

  get running(): boolean {
    return this.#child !== undefined && this.#child.exitCode === null && this.#child.signalCode === null;
  }

  get pid(): number | undefined {
    return this.#child?.pid;
  }

  /** Starts it (if not running) and waits for its port, at most `timeoutMs`. */
  async start(timeoutMs = 60_000): Promise<void> {
    if (this.running) return;
    mkdirSync(this.logsDir, { recursive: true });
    const log = createWriteStream(path.join(this.logsDir, `${this.spec.name}.log`), { flags: 'a' });
    const child = spawn(this.spec.command, this.spec.args, {
      cwd: this.spec.cwd,
      env: { ...process.env, ...this.spec.env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const keep = (chunk: Buffer) => {
      log.write(chunk);
      this.#tail.push(chunk.toString());
      if (this.#tail.length > 50) this.#tail.shift();
    };
    child.stdout?.on('data', keep);
    child.stderr?.on('data', keep);
    running.add(child);
    child.once('exit', () => {
      running.delete(child);
      log.end();
    });
    this.#child = child;
    if (this.spec.port !== undefined) {
      const exited = new Promise<never>((_, reject) =>
        child.once('exit', (code, signal) => reject(new Error(`${this.name} exited (${signal ?? code}) before its port ${this.spec.port} opened:\n${this.recentOutput.slice(-1_500)}`))),
      );
      await Promise.race([waitForPort(this.spec.port, timeoutMs, this.name), exited]);
    }
  }

  /** SIGKILL, no cleanup. */
  async kill(): Promise<void> {
    const child = this.#child;
    if (!child || !this.running) return;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGKILL');
    await exited;
  }

  /** SIGTERM, then SIGKILL after `graceMs`. */
  async stop(graceMs = 10_000): Promise<void> {
    const child = this.#child;
    if (!child || !this.running) return;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
    await exited;
    clearTimeout(timer);
  }

  get recentOutput(): string {
    return this.#tail.join('');
  }
}
