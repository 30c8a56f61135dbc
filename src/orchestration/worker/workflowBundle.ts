// The workflow code is bundled once per process (webpack, ~2 s) and shared by every worker.
// With payload encryption on, the bundle carries the encoded-failures converter, so a job's
// failure message (the backend's answer) is encrypted too; without it, failures stay readable.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { bundleWorkflowCode, type WorkflowBundleWithSourceMap } from '@temporalio/worker';
import { encodedFailuresPath } from '../../adapters/temporal/dataConverter.js';

/** `src/orchestration/workflows/index.ts` when running from source (tsx), `dist/workflows/index.js` when built. */
export function workflowsPath(): string {
  const ts = fileURLToPath(new URL('../workflows/index.ts', import.meta.url));
  return existsSync(ts) ? ts : fileURLToPath(new URL('../workflows/index.js', import.meta.url));
}

const cached = new Map<boolean, Promise<WorkflowBundleWithSourceMap>>();

export function getWorkflowBundle(options: { encodeFailures?: boolean } = {}): Promise<WorkflowBundleWithSourceMap> {
  const encodeFailures = options.encodeFailures ?? false;
  let bundle = cached.get(encodeFailures);
  if (!bundle) {
    bundle = bundleWorkflowCode({
      workflowsPath: workflowsPath(),
      logger: quietBundlerLogger,
      ...(encodeFailures ? { failureConverterPath: encodedFailuresPath() } : {}),
    });
    cached.set(encodeFailures, bundle);
  }
  return bundle;
}

const noop = () => undefined;
const quietBundlerLogger = {
  log: noop,
  trace: noop,
  debug: noop,
  info: noop,
  warn: (message: string, meta?: unknown) => console.warn(message, meta ?? ''),
  error: (message: string, meta?: unknown) => console.error(message, meta ?? ''),
};
