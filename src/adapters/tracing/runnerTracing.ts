// The runner's own tracer provider: where its spans (the bridge's starts, the workflows', the
// attempts' and the HTTP calls') go. It is not registered as the global provider, so an app that
// embeds the runner keeps its own; only a context manager is installed when none is (the spans
// of an activity must be active across its awaits for the HTTP call to see them).
import { context as otelContext, type Tracer } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { Resource } from '@opentelemetry/resources';
import { BasicTracerProvider, BatchSpanProcessor, type SpanExporter, type SpanProcessor } from '@opentelemetry/sdk-trace-base';

export interface TracingOptions {
  /** Where spans go, batched: an OTLP exporter, an in-memory one in tests. */
  spanExporter?: SpanExporter;
  /** Or a processor of your own (e.g. SimpleSpanProcessor), instead of spanExporter. */
  spanProcessor?: SpanProcessor;
  /** `service.name` of the spans; default `spooky-temporal`. */
  serviceName?: string;
}

export interface RunnerTracing {
  readonly tracer: Tracer;
  readonly spanProcessor: SpanProcessor;
  readonly resource: Resource;
  /** Sends the spans still buffered. The exporter is the caller's: it is flushed, not shut down. */
  flush(): Promise<void>;
}

export const TRACER_NAME = 'spooky-temporal';

/** Undefined (tracing off: no interceptor, no span, no header) unless an exporter or processor is given. */
export function createRunnerTracing(options: TracingOptions | undefined): RunnerTracing | undefined {
  const spanProcessor = options?.spanProcessor ?? (options?.spanExporter ? new BatchSpanProcessor(options.spanExporter) : undefined);
  if (!spanProcessor) return undefined;
  installContextManager();
  const resource = new Resource({ 'service.name': options?.serviceName ?? TRACER_NAME });
  const provider = new BasicTracerProvider({ resource, spanProcessors: [spanProcessor] });
  return {
    tracer: provider.getTracer(TRACER_NAME),
    spanProcessor,
    resource,
    flush: () => provider.forceFlush(),
  };
}

let installed = false;
function installContextManager(): void {
  if (installed) return;
  installed = true;
  const manager = new AsyncLocalStorageContextManager();
  // False when the app registered one already (its SDK's): that one serves us as well.
  if (!otelContext.setGlobalContextManager(manager.enable())) manager.disable();
}
