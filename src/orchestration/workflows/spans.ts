// The workflow's own spans: each wait and each attempt. They go to the tracer that Temporal's
// OpenTelemetry interceptors install in the sandbox when tracing is on (exported through a sink,
// not during replay); when it is off, OpenTelemetry's no-op tracer makes nothing. A span is no
// command, so adding or changing one needs no patched().
import { SpanStatusCode, trace, type Attributes } from '@opentelemetry/api';
import { TRACER_NAME as TRACER } from '../../core/traceparent.js';

export async function inSpan<T>(name: string, attributes: Attributes, body: () => Promise<T>): Promise<T> {
  return trace.getTracer(TRACER).startActiveSpan(name, { attributes }, async (span) => {
    try {
      return await body();
    } catch (error) {
      span.setStatus({ code: SpanStatusCode.ERROR, message: (error as Error).name });
      throw error;
    } finally {
      span.end();
    }
  });
}

/** A span for a wait that already happened outside the workflow's code (Temporal's start delay). */
export function recordSpan(name: string, attributes: Attributes, startMs: number, endMs: number): void {
  trace.getTracer(TRACER).startSpan(name, { attributes, startTime: startMs }).end(endMs);
}
