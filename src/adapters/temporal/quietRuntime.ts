// The SDK's process-wide runtime, installed once before the first connection or worker.
import { DefaultLogger, Runtime, type TelemetryOptions } from '@temporalio/worker';

let runtimeInstalled = false;
let sdkMetricsAddress: string | undefined;
let sdkMetricsFailure: string | undefined;

/**
 * Serve the SDK's own worker metrics (Prometheus, at /metrics) on `bindAddress` (host:port).
 * Takes effect only when called before the runtime is installed (the first connection).
 */
export function exportSdkMetrics(bindAddress: string): void {
  sdkMetricsAddress = bindAddress;
}

/** Why the SDK's metrics exporter could not start (its port taken, say), or undefined. */
export function sdkMetricsProblem(): string | undefined {
  return sdkMetricsFailure;
}

/**
 * The SDK logs every poll at INFO, and Core warns on each retry of a poll while the server is
 * down (a line per poller every few seconds): keep errors only; the bridge reports an outage in
 * one line of its own. Must run before the first worker.
 */
export function installQuietRuntime(): void {
  if (runtimeInstalled) return;
  runtimeInstalled = true;
  const logging: TelemetryOptions['logging'] = { filter: { core: 'ERROR', other: 'ERROR' } };
  if (sdkMetricsAddress) {
    try {
      install({ logging, metrics: { prometheus: { bindAddress: sdkMetricsAddress } } });
      return;
    } catch (error) {
      // Its port taken: run without the SDK's metrics rather than not at all (`start` warns).
      sdkMetricsFailure = `${sdkMetricsAddress}: ${(error as Error).message}`;
    }
  }
  try {
    install({ logging });
  } catch {
    // Already installed by the embedding app: keep theirs.
  }
}

function install(telemetryOptions: TelemetryOptions): void {
  // Signals are handled by our own shutdown path (stop the bridge first, then the workers).
  Runtime.install({ logger: new DefaultLogger('ERROR'), telemetryOptions, shutdownSignals: [] });
}
