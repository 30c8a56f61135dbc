// `start`: the production runner (bridge and/or worker) from sp00ky.yml / SPKY_JOB_CONFIG and
// the environment. Retries connecting a few times, logs one JSON line per job state change,
// drains on SIGTERM/SIGINT.
import { Option, type Command } from 'commander';
import { addConnectionOptions, intArg, portArg, queueList } from '../args.js';
import type { StartOptions } from './startAction.js';


export function registerStartCommand(program: Command): void {
  addConnectionOptions(
    program
      .command('start')
      .description('Run the production runner: the bridge (job rows → workflows) and the workers (HTTP calls)')
      .addOption(new Option('--bridge-only', 'run only the bridge (start workflows for new rows)').conflicts('workerOnly'))
      .addOption(new Option('--worker-only', 'run only the workers (execute the workflows)').conflicts('bridgeOnly'))
      .option('--deploy-schema', 'deploy the job tables and functions first (same as `schema deploy`)')
      .option('--reconcile-interval <ms>', 'how often the bridge re-reads pending rows it may have missed', intArg('milliseconds', 100, 3_600_000), 30_000)
      .option('--queues <names>', 'named queues this process\'s workers serve, comma-separated (default: default; env SPKY_QUEUES)', queueList)
      .option('--identity <name>', 'this process in the row\'s assignee and in Temporal\'s worker list (default <host>:<pid>)')
      .option('--db-timeout <ms>', 'deadline of each SurrealDB call; a call past it fails, its step is retried and the connection reopened', intArg('milliseconds', 100, 600_000), 10_000)
      .option('--connect-attempts <n>', 'tries to reach SurrealDB and Temporal before giving up', intArg('the number of tries', 1, 100), 5)
      .addOption(new Option('--metrics-port <port>', 'port of /metrics, /healthz and /readyz (0 = off)').env('SPKY_METRICS_PORT').argParser(portArg).default(9464))
      .addOption(new Option('--metrics-host <host>', 'interface of the metrics port').env('SPKY_METRICS_HOST').default('0.0.0.0'))
      .addOption(new Option('--sdk-metrics-port <port>', "port of the Temporal SDK's worker metrics (Prometheus, /metrics; 0 = off)").env('SPKY_SDK_METRICS_PORT').argParser(portArg).default(9465))
      .option('--otlp-endpoint <url>', 'send traces over OTLP/HTTP to this URL, e.g. http://collector:4318/v1/traces (default: OTEL_EXPORTER_OTLP_TRACES_ENDPOINT, or OTEL_EXPORTER_OTLP_ENDPOINT + /v1/traces; off when neither is set)'),
  )
    .addHelpText(
      'after',
      `
Logs are JSON lines (pino; LOG_LEVEL=debug for more). SIGTERM/SIGINT stop the bridge, let
in-flight HTTP calls finish, then exit.

Examples:
  $ SURREAL_URL=ws://db:8000 SURREAL_USER=root SURREAL_PASS=... TEMPORAL_ADDRESS=temporal:7233 spooky-temporal start --config sp00ky.yml
  $ spooky-temporal start --worker-only      # scale workers separately from the bridge
  $ spooky-temporal start --worker-only --queues default,emails
`,
    )
    .action(async (opts: StartOptions) => {
      const { runStart } = await import('./startAction.js');
      await runStart(opts);
    });
}

