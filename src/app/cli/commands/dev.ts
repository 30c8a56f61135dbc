// `dev`: what `npm start` runs — everything embedded (see runDev), with the embedded SurrealDB
// served on 127.0.0.1 over SurrealDB's own protocol, so `jobs` commands in another terminal
// (and an app, or Surrealist) connect to it as to a server.
import { InvalidArgumentError, type Command } from 'commander';
import { portArg } from '../args.js';
import { checkOrigin } from '../../../adapters/surrealRpc/upgradeGuard.js';
import { ALLOW_ORIGINS_ENV, DEFAULT_SURREAL_PORT } from '../../dev/devEndpointDefaults.js';
import type { DevCommandOptions } from './devAction.js';

function originArg(value: string, previous: string[] = []): string[] {
  try {
    return [...previous, checkOrigin(value)];
  } catch (error) {
    throw new InvalidArgumentError((error as Error).message);
  }
}

export function registerDevCommand(program: Command): void {
  program
    .command('dev')
    .description('Run everything embedded: SurrealDB in .data/, a Temporal dev server, the example app, and demo jobs')
    .option('--data-dir <dir>', 'where SurrealDB and Temporal keep their data', '.data')
    .option('--config <file>', "your app's sp00ky.yml (default: the example app)")
    .option('--no-demo', 'do not enqueue the demo jobs')
    .option('--once', 'exit when the demo jobs have finished (for scripts)')
    .option('--surreal-port <port>', `port of the SurrealDB endpoint on 127.0.0.1 (default ${DEFAULT_SURREAL_PORT}, or a free one when taken)`, portArg)
    .option('--allow-origin <origin>', `a browser origin allowed to open the SurrealDB endpoint, e.g. a web GUI (repeatable; env ${ALLOW_ORIGINS_ENV}, comma-separated)`, originArg)
    .option('--backend-port <port>', "port of the example backend (rewrites the example app's baseUrl)", portArg)
    .addHelpText(
      'after',
      `
While it runs, the embedded SurrealDB is served over SurrealDB's own protocol on
ws://127.0.0.1:<port>, for this run's root-level user only: its name and password are in
<data-dir>/dev.json (mode 0600). \`spooky-temporal jobs ...\` in another terminal reads them
from there; an app or Surrealist signs in with them. A browser page may connect only from an
origin allowed with --allow-origin.

Examples:
  $ spooky-temporal dev                                   # what \`npm start\` runs
  $ spooky-temporal dev --no-demo --data-dir /tmp/spooky --surreal-port 8766
  $ spooky-temporal dev --allow-origin https://app.surrealdb.com   # Surrealist in the browser
`,
    )
    .action(async (opts: DevCommandOptions) => {
      // Loaded on use: the runner, Temporal and SurrealDB engines are slow to import.
      const { runDevCommand } = await import('./devAction.js');
      await runDevCommand(opts);
    });
}

