// The SDK's process-wide runtime, installed once before the first connection or worker.
import { DefaultLogger, Runtime } from '@temporalio/worker';

let runtimeInstalled = false;

/** The SDK logs every poll at INFO; keep warnings and errors only. Must run before the first worker. */
export function installQuietRuntime(): void {
  if (runtimeInstalled) return;
  runtimeInstalled = true;
  try {
    // Signals are handled by our own shutdown path (stop the bridge first, then the workers).
    Runtime.install({ logger: new DefaultLogger('ERROR'), shutdownSignals: [] });
  } catch {
    // Already installed by the embedding app: keep theirs.
  }
}
