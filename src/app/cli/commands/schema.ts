// `schema deploy`: the job tables and fn::job::kill / fn::job::retry (idempotent).
import type { Command } from 'commander';
import { addConnectionOptions, connectionOverrides, type ConnectionOptions } from '../args.js';

export function registerSchemaCommands(program: Command): void {
  const schema = program.command('schema').description('Manage the job tables and functions in SurrealDB');
  addConnectionOptions(
    schema
      .command('deploy')
      .description('Define the job tables of every backend and fn::job::kill / fn::job::retry (safe to run again)')
      .option('--json', 'machine-readable JSON output'),
  )
    .addHelpText(
      'after',
      '\nExample:\n  $ SURREAL_URL=ws://127.0.0.1:8000 SURREAL_USER=root SURREAL_PASS=root spooky-temporal schema deploy --config sp00ky.yml\n',
    )
    .action(async (opts: ConnectionOptions & { json?: boolean }) => {
      const [{ loadConfig }, { redactUrl }, { DirectJobs }] = await Promise.all([
        import('../../../config/loadConfig.js'),
        import('../../../adapters/db/connect.js'),
        import('../directJobs.js'),
      ]);
      const config = await loadConfig({ configPath: opts.config, overrides: connectionOverrides(opts) });
      const jobs = await DirectJobs.open(config);
      try {
        const tables = await jobs.deploySchema();
        if (opts.json) {
          process.stdout.write(`${JSON.stringify({ tables, functions: ['fn::job::kill', 'fn::job::retry'] }, null, 2)}\n`);
        } else {
          process.stdout.write(
            `deployed job table${tables.length === 1 ? '' : 's'} ${tables.join(', ')} and fn::job::kill, fn::job::retry ` +
              `to ${redactUrl(config.surreal.url)} (${config.surreal.namespace}/${config.surreal.database})\n`,
          );
        }
      } finally {
        await jobs.close();
      }
    });
}
