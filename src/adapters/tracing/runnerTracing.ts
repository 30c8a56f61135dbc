// The runner's own tracer provider: where its spans (the bridge's starts, the workflows', the
// attempts' and the HTTP calls') go. It is not registered as the global provider, so an app that
// embeds the runner keeps its own; only a context manager and a propagator are installed when
// the app has none (see installContextPlumbing).
import { context as otelContext, propagation, type Tracer } from '@opentelemetry/api';
import { CompositePropagator, W3CBaggagePropagator, W3CTraceContextPropagator } from '@opentelemetry/core';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { Resource } from '@opentelemetry/resources';
import { TRACER_NAME } from '../../core/traceparent.js';
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


/** Undefined (tracing off: no interceptor, no span, no header) unless an exporter or processor is given. */
export function createRunnerTracing(options: TracingOptions | undefined): RunnerTracing | undefined {
  const spanProcessor = options?.spanProcessor ?? (options?.spanExporter ? new BatchSpanProcessor(options.spanExporter) : undefined);
  if (!spanProcessor) return undefined;
  installContextPlumbing();
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
/**
 * Temporal's interceptors carry the context in headers through the global propagator and
 * keep spans active through the global context manager: install W3C's and AsyncLocalStorage's
 * unless the app registered its own (each call below is then refused, and the app's serve).
 */
function installContextPlumbing(): void {
  if (installed) return;
  installed = true;
  const manager = new AsyncLocalStorageContextManager();
  if (!otelContext.setGlobalContextManager(manager.enable())) manager.disable();
  propagation.setGlobalPropagator(new CompositePropagator({ propagators: [new W3CTraceContextPropagator(), new W3CBaggagePropagator()] }));
}
