// `types`: writes the .d.ts of `generateJobTypes` for the configured backends.
import type { Command } from 'commander';

export function registerTypesCommand(program: Command): void {
  program
    .command('types')
    .description("Generate TypeScript types of every backend's POST paths and payloads from their OpenAPI specs")
    .option('--config <file>', 'sp00ky.yml to read (default: SPKY_CONFIG, ./sp00ky.yml or SPKY_JOB_CONFIG)')
    .option('--out <file>', 'where to write the types', 'spooky-jobs.d.ts')
    .addHelpText(
      'after',
      "\nExample:\n  $ spooky-temporal types --config sp00ky.yml --out src/spooky-jobs.d.ts\n" +
        "  then: typedJobs<SpookyJobPayloads>(runner.jobs).run('api', '/send-email', { to: 'ada@example.com' })\n",
    )
    .action(async (opts: { config?: string; out: string }) => {
      const [{ writeFile }, { loadConfig }, { generateJobTypes }] = await Promise.all([
        import('node:fs/promises'),
        import('../../../config/loadConfig.js'),
        import('../../generateJobTypes.js'),
      ]);
      const config = await loadConfig({ configPath: opts.config });
      await writeFile(opts.out, await generateJobTypes(config.backends));
      const withSpec = config.backends.filter((b) => b.specPath).map((b) => b.name);
      process.stdout.write(`wrote ${opts.out}: ${withSpec.length ? `typed backends ${withSpec.join(', ')}` : 'no backend has an OpenAPI spec'}\n`);
    });
}
