// The enqueue's span, made with the app's tracer (the global one: an app that traces has
// registered its SDK), as a child of whatever span the app has active. Its traceparent is what
// the row stores, so the job's workflow, attempts and HTTP calls join the app's trace.
// Without an SDK in the app, this is OpenTelemetry's no-op: no span, and no traceparent.
import { SpanKind, trace } from '@opentelemetry/api';
import { inSpan } from '../../core/inSpan.js';
import { TRACER_NAME } from '../../core/traceparent.js';

export function inEnqueueSpan<T>(name: string, attributes: Record<string, string | number>, enqueue: () => Promise<T>): Promise<T> {
  return inSpan(trace.getTracer(TRACER_NAME), name, { kind: SpanKind.PRODUCER, attributes }, enqueue);
}
