// The command tree. Usage errors (commander's and ours) exit 2, failed operations 1.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Command } from 'commander';
import { packageRoot } from '../../adapters/packageRoot.js';
import { registerDevCommand } from './commands/dev.js';
import { registerStartCommand } from './commands/start.js';
import { registerSchemaCommands } from './commands/schema.js';
import { registerJobsCommands } from './commands/jobs.js';
import { registerTypesCommand } from './commands/types.js';
import { registerSchedulesCommands } from './commands/schedules.js';
import { registerCodecServerCommand } from './commands/codecServer.js';

function version(): string {
  try {
    return (JSON.parse(readFileSync(join(packageRoot(), 'package.json'), 'utf8')) as { version?: string }).version ?? '0.0.0';
  } catch {
    return '0.0.0';
  }
}

export function buildProgram(): Command {
  const program = new Command('spooky-temporal')
    .description('Runs the outbox jobs of SurrealDB (Sp00ky) apps as Temporal workflows.')
    .version(version())
    // Settings below are copied to every subcommand created afterwards.
    .exitOverride()
    .showHelpAfterError('(add --help for usage)')
    .configureHelp({ showGlobalOptions: true, sortSubcommands: false })
    .addHelpText(
      'after',
      `
Examples:
  $ npm start                                  # = spooky-temporal dev: everything embedded, with demo jobs
  $ spooky-temporal jobs                       # live dashboard of the dev instance (second terminal)
  $ spooky-temporal jobs list --status failed --json
  $ spooky-temporal start --config sp00ky.yml  # production runner
`,
    );
  registerDevCommand(program);
  registerStartCommand(program);
  registerSchemaCommands(program);
  registerJobsCommands(program);
  registerSchedulesCommands(program);
  registerTypesCommand(program);
  registerCodecServerCommand(program);
  return program;
}
