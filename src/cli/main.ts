#!/usr/bin/env node
// The command line: a thin shell over the library.
import { Command } from 'commander';
import { runDev, enqueueDemoJobs } from '../dev/runDev.js';
import { SpookyTemporalError } from '../errors.js';

const program = new Command('spooky-temporal').description(
  'Runs the outbox jobs of SurrealDB (Sp00ky) apps as Temporal workflows.',
);

program
  .command('dev')
  .description('Run everything embedded: SurrealDB in .data/, a Temporal dev server, the example app, and demo jobs')
  .option('--data-dir <dir>', 'where SurrealDB and Temporal keep their data', '.data')
  .option('--config <file>', "your app's sp00ky.yml (default: the example app)")
  .option('--no-demo', 'do not enqueue the demo jobs')
  .option('--once', 'exit when the demo jobs have finished (for scripts)')
  .addHelpText('after', '\nExample:\n  $ spooky-temporal dev            # what `npm start` runs\n')
  .action(async (opts: { dataDir: string; config?: string; demo: boolean; once?: boolean }) => {
    const dev = await runDev({ dataDir: opts.dataDir, configPath: opts.config });
    let stopping = false;
    const stop = async (code = 0) => {
      if (stopping) return;
      stopping = true;
      console.log('stopping: draining in-flight calls…');
      await dev.stop();
      process.exit(code);
    };
    process.on('SIGINT', () => void stop());
    process.on('SIGTERM', () => void stop());
    if (opts.demo) {
      const ids = await enqueueDemoJobs(dev);
      if (opts.once) {
        for (;;) {
          const rows = await Promise.all(ids.map((id) => dev.runner.jobs.get(id)));
          if (rows.every((row) => row && (row.status === 'success' || row.status === 'failed'))) break;
          await new Promise((resolve) => setTimeout(resolve, 250));
        }
        for (const row of await Promise.all(ids.map((id) => dev.runner.jobs.get(id)))) {
          console.log(`${row!.id}  ${row!.path}  ${row!.status}  errors=${JSON.stringify(row!.errors.map((e) => e.code))}`);
        }
        await stop(0);
      }
    }
    console.log('running; press Ctrl-C to stop');
  });

program.parseAsync().catch((error: unknown) => {
  if (error instanceof SpookyTemporalError) {
    console.error(`error: ${error.message}`);
    process.exit(1);
  }
  console.error(error);
  process.exit(1);
});
