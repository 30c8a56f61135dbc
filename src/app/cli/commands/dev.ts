// `dev`: what `npm start` runs — everything embedded (see runDev) plus the control endpoint
// that lets `jobs` commands in another terminal use the embedded SurrealDB.
import type { Command } from 'commander';
import { portArg } from '../args.js';
import { DEFAULT_CONTROL_PORT } from '../controlServer.js';
import type { DevCommandOptions } from './devAction.js';

export function registerDevCommand(program: Command): void {
  program
    .command('dev')
    .description('Run everything embedded: SurrealDB in .data/, a Temporal dev server, the example app, and demo jobs')
    .option('--data-dir <dir>', 'where SurrealDB and Temporal keep their data', '.data')
    .option('--config <file>', "your app's sp00ky.yml (default: the example app)")
    .option('--no-demo', 'do not enqueue the demo jobs')
    .option('--once', 'exit when the demo jobs have finished (for scripts)')
    .option('--control-port <port>', `port of the local control endpoint used by \`jobs\` (default ${DEFAULT_CONTROL_PORT}, or a free one when taken)`, portArg)
    .option('--backend-port <port>', "port of the example backend (rewrites the example app's baseUrl)", portArg)
    .addHelpText(
      'after',
      `
While it runs, \`spooky-temporal jobs ...\` in another terminal talks to it through the control
endpoint on 127.0.0.1 (recorded in <data-dir>/dev.json).

Examples:
  $ spooky-temporal dev                                   # what \`npm start\` runs
  $ spooky-temporal dev --no-demo --data-dir /tmp/spooky --control-port 8766
`,
    )
    .action(async (opts: DevCommandOptions) => {
      // Loaded on use: the runner, Temporal and SurrealDB engines are slow to import.
      const { runDevCommand } = await import('./devAction.js');
      await runDevCommand(opts);
    });
}

