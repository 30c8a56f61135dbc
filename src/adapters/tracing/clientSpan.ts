// The span of one HTTP call to a backend (kind CLIENT), and the headers that carry it: the
// backend's server span becomes its child. Named by the path's template, never the raw path
// (which may hold ids), and without the payload or the answer.
import { context as otelContext, SpanKind, SpanStatusCode, type Tracer } from '@opentelemetry/api';
import { traceHeaders } from './traceparent.js';

export interface ClientSpanInfo {
  method: string;
  /** The path's template (e.g. /orders/{id}); the span's name. */
  route: string;
  backend: string;
  attempt: number;
}

/** Runs `call` inside a client span, or as it is (no headers) when there is no tracer. */
export async function withClientSpan<T>(
  tracer: Tracer | undefined,
  info: ClientSpanInfo,
  call: (headers: Record<string, string>) => Promise<T>,
  /** The answer's status code, and a short failure (a code, never the backend's text: it may echo secrets). */
  describe: (outcome: T) => { status?: number; failure?: string },
): Promise<T> {
  if (!tracer) return call({});
  return tracer.startActiveSpan(
    `${info.method} ${info.route}`,
    {
      kind: SpanKind.CLIENT,
      attributes: { 'http.request.method': info.method, 'http.route': info.route, 'spooky.backend': info.backend, 'spooky.attempt': info.attempt },
    },
    async (span) => {
      try {
        const outcome = await call(traceHeaders(otelContext.active()));
        const { status, failure } = describe(outcome);
        if (status !== undefined) span.setAttribute('http.response.status_code', status);
        if (failure) span.setStatus({ code: SpanStatusCode.ERROR, message: failure });
        return outcome;
      } catch (error) {
        span.setStatus({ code: SpanStatusCode.ERROR, message: (error as Error).name });
        throw error;
      } finally {
        span.end();
      }
    },
  );
}
