// Runner processes for the chaos run and the bench: `spooky-temporal start [--bridge-only |
// --worker-only]`, started from source exactly as an operator would start them, and killed
// without warning.
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('..', import.meta.url));

export class RunnerProcess {
  #child: ChildProcess | undefined;
  readonly #log: string[] = [];

  constructor(
    readonly name: string,
    private readonly mode: 'bridge' | 'worker' | 'both',
    private readonly env: NodeJS.ProcessEnv,
    private readonly reconcileIntervalMs = 2_000,
    /** Run the compiled CLI (`npm run build` first), as the production image does. */
    private readonly compiled = false,
    /** More `start` options, e.g. `['--db-timeout', '3000']`. */
    private readonly extraArgs: readonly string[] = [],
  ) {}

  get pid(): number | undefined {
    return this.#child?.pid;
  }

  get running(): boolean {
    return this.#child !== undefined && this.#child.exitCode === null && this.#child.signalCode === null;
  }

  start(): void {
    if (this.running) return;
    const args = this.compiled ? ['dist/src/app/cli/main.js', 'start'] : ['--import', 'tsx', 'src/app/cli/main.ts', 'start'];
    if (this.mode !== 'both') args.push(this.mode === 'bridge' ? '--bridge-only' : '--worker-only');
    args.push('--identity', this.name, '--reconcile-interval', String(this.reconcileIntervalMs), '--connect-attempts', '60', ...this.extraArgs);
    // Logs go to stdout (pino), crashes to stderr: keep the last of both.
    // Several runners share this host: their metrics endpoints are off unless the caller sets ports.
    const metricsOff = { SPKY_METRICS_PORT: '0', SPKY_SDK_METRICS_PORT: '0' };
    const child = spawn(process.execPath, args, { cwd: ROOT, env: { ...process.env, ...metricsOff, ...this.env }, stdio: ['ignore', 'pipe', 'pipe'] });
    const keep = (chunk: Buffer) => {
      this.#log.push(chunk.toString());
      if (this.#log.length > 40) this.#log.shift();
    };
    child.stdout?.on('data', keep);
    child.stderr?.on('data', keep);
    this.#child = child;
  }

  /** SIGKILL: no drain, no cleanup, as a crash or an OOM kill would do. */
  kill(): void {
    this.#child?.kill('SIGKILL');
  }

  async stop(): Promise<void> {
    const child = this.#child;
    if (!child || !this.running) return;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
    await exited;
    clearTimeout(timer);
  }

  /** The last lines the process wrote (its logs and stderr). */
  get recentStderr(): string {
    return this.#log.join('');
  }
}
