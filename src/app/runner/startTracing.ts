// The runner's tracing, loaded only when it is on: the tracer provider, a client whose starts
// carry the trace, and what the workers need. With tracing off, none of the tracing SDK's
// modules is loaded (the enqueue and the bridge use the OpenTelemetry API only).
import type { Tracer } from '@opentelemetry/api';
import type { Client } from '@temporalio/client';
import type { TracingOptions } from '../../adapters/tracing/runnerTracing.js';
import type { WorkerTracing } from '../../adapters/temporal/tracingInterceptors.js';

export interface RunnerTracingParts {
  tracer: Tracer;
  /** A client on the same connection whose workflow starts carry the active trace. */
  traced(client: Client): Client;
  worker: WorkerTracing;
  /** Sends the spans still buffered (the exporter is the caller's: not shut down). */
  flush(): Promise<void>;
}

export async function startTracing(options: TracingOptions | undefined): Promise<RunnerTracingParts | undefined> {
  if (!options?.spanExporter && !options?.spanProcessor) return undefined;
  const [{ createRunnerTracing }, { tracedClient, workerTracing }] = await Promise.all([
    import('../../adapters/tracing/runnerTracing.js'),
    import('../../adapters/temporal/tracingInterceptors.js'),
  ]);
  const tracing = createRunnerTracing(options);
  if (!tracing) return undefined;
  return { tracer: tracing.tracer, traced: (client) => tracedClient(client, tracing), worker: workerTracing(tracing), flush: () => tracing.flush() };
}
