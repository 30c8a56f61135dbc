// The workflow's own spans: each wait and each attempt. They go to the tracer that Temporal's
// OpenTelemetry interceptors install in the sandbox when tracing is on (exported through a sink,
// not during replay); when it is off, OpenTelemetry's no-op tracer makes nothing. A span is no
// command, so adding or changing one needs no patched().
import { trace, type Attributes } from '@opentelemetry/api';
import { inSpan as inTracerSpan } from '../../core/inSpan.js';
import { TRACER_NAME } from '../../core/traceparent.js';

/** `startMs`: when the span began, if before now (a wait that began before the workflow's code ran). */
export function inSpan<T>(name: string, attributes: Attributes, body: () => Promise<T>, startMs?: number): Promise<T> {
  return inTracerSpan(trace.getTracer(TRACER_NAME), name, { attributes, ...(startMs !== undefined ? { startTime: startMs } : {}) }, body);
}

/** A span for a wait that already happened outside the workflow's code (Temporal's start delay). */
export function recordSpan(name: string, attributes: Attributes, startMs: number, endMs: number): void {
  trace.getTracer(TRACER_NAME).startSpan(name, { attributes, startTime: startMs }).end(endMs);
}
