// Runs a body inside an active span of the given tracer, marking the span failed when the body
// throws (with the error's name only: a message may quote a backend's answer). Pure: the tracer
// is the caller's (the app's, the runner's, or the one Temporal installs in a workflow).
import { SpanStatusCode, type SpanOptions, type Tracer } from '@opentelemetry/api';

export async function inSpan<T>(tracer: Tracer, name: string, options: SpanOptions, body: () => Promise<T>): Promise<T> {
  return tracer.startActiveSpan(name, options, async (span) => {
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
