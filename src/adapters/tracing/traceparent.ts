// The W3C trace context as a job row stores it: one `traceparent` string. Always the W3C
// format, whatever propagator the app registered globally, so the bridge can read any row.
import { context as otelContext, defaultTextMapGetter, defaultTextMapSetter, ROOT_CONTEXT, trace, type Context } from '@opentelemetry/api';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { validTraceparent } from '../../core/traceparent.js';

const w3c = new W3CTraceContextPropagator();


/** The active span's traceparent, or undefined when no valid span is active (tracing off). */
export function currentTraceparent(active: Context = otelContext.active()): string | undefined {
  const carrier: Record<string, string> = {};
  w3c.inject(active, carrier, defaultTextMapSetter);
  return carrier['traceparent'];
}

/** A context whose remote parent is the row's traceparent; the root context when there is none or it is malformed. */
export function contextOfTraceparent(traceparent: string | undefined): Context {
  if (!validTraceparent(traceparent)) return ROOT_CONTEXT;
  const extracted = w3c.extract(ROOT_CONTEXT, { traceparent }, defaultTextMapGetter);
  return trace.getSpanContext(extracted) ? extracted : ROOT_CONTEXT;
}

/** The `traceparent` header (and `tracestate`, when set) of a context, for an outgoing request. */
export function traceHeaders(active: Context = otelContext.active()): Record<string, string> {
  const carrier: Record<string, string> = {};
  w3c.inject(active, carrier, defaultTextMapSetter);
  return carrier;
}
