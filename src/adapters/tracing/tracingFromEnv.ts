// Tracing configured the OpenTelemetry way, by environment: on when an OTLP endpoint is set
// (OTEL_EXPORTER_OTLP_TRACES_ENDPOINT, or OTEL_EXPORTER_OTLP_ENDPOINT + /v1/traces) or when
// OTEL_TRACES_EXPORTER=otlp; off with OTEL_TRACES_EXPORTER=none. The exporter reads the rest
// itself (OTEL_EXPORTER_OTLP_HEADERS, _TIMEOUT, ...). OTLP over HTTP with JSON bodies.
import type { TracingOptions } from './runnerTracing.js';

/** Loads the OTLP exporter only when tracing is on. */
export async function tracingFromEnv(env: NodeJS.ProcessEnv = process.env, endpoint?: string): Promise<TracingOptions | undefined> {
  const exporter = env['OTEL_TRACES_EXPORTER']?.trim();
  if (exporter === 'none') return undefined;
  const configured = endpoint ?? env['OTEL_EXPORTER_OTLP_TRACES_ENDPOINT'] ?? env['OTEL_EXPORTER_OTLP_ENDPOINT'];
  if (!configured && exporter !== 'otlp') return undefined;
  const serviceName = env['OTEL_SERVICE_NAME']?.trim();
  const { OTLPTraceExporter } = await import('@opentelemetry/exporter-trace-otlp-http');
  return {
    // An explicit endpoint (--otlp-endpoint) is the full traces URL, as OTEL_EXPORTER_OTLP_TRACES_ENDPOINT is.
    spanExporter: new OTLPTraceExporter(endpoint ? { url: endpoint } : {}),
    ...(serviceName ? { serviceName } : {}),
  };
}
