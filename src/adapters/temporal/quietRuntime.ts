// The SDK's process-wide runtime, installed once before the first connection or worker.
import { DefaultLogger, Runtime } from '@temporalio/worker';

let runtimeInstalled = false;

/**
 * The SDK logs every poll at INFO, and Core warns on each retry of a poll while the server is
 * down (a line per poller every few seconds): keep errors only; the bridge reports an outage in
 * one line of its own. Must run before the first worker.
 */
export function installQuietRuntime(): void {
  if (runtimeInstalled) return;
  runtimeInstalled = true;
  try {
    // Signals are handled by our own shutdown path (stop the bridge first, then the workers).
    Runtime.install({
      logger: new DefaultLogger('ERROR'),
      telemetryOptions: { logging: { filter: { core: 'ERROR', other: 'ERROR' } } },
      shutdownSignals: [],
    });
  } catch {
    // Already installed by the embedding app: keep theirs.
  }
}
