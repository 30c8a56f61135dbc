// The workflow code is bundled once per process (webpack, ~2 s) and shared by every worker.
// With payload encryption on, the bundle carries the encoded-failures converter, so a job's
// failure message (the backend's answer) is encrypted too; without it, failures stay readable.
// With tracing on, it loads Temporal's OpenTelemetry workflow interceptors; without, no span is
// made in the sandbox at all (the workflow's own span calls go to OpenTelemetry's no-op tracer).
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { bundleWorkflowCode, type WorkflowBundleWithSourceMap } from '@temporalio/worker';
import { encodedFailuresPath } from '../../adapters/temporal/dataConverter.js';
import { workflowTracingModule } from '../../adapters/temporal/workflowTracingModule.js';

/** `src/orchestration/workflows/index.ts` when running from source (tsx), `dist/workflows/index.js` when built. */
export function workflowsPath(): string {
  const ts = fileURLToPath(new URL('../workflows/index.ts', import.meta.url));
  return existsSync(ts) ? ts : fileURLToPath(new URL('../workflows/index.js', import.meta.url));
}

const cached = new Map<string, Promise<WorkflowBundleWithSourceMap>>();

export function getWorkflowBundle(options: { encodeFailures?: boolean; traced?: boolean } = {}): Promise<WorkflowBundleWithSourceMap> {
  const encodeFailures = options.encodeFailures ?? false;
  const traced = options.traced ?? false;
  const key = `${encodeFailures}/${traced}`;
  let bundle = cached.get(key);
  if (!bundle) {
    bundle = bundleWorkflowCode({
      workflowsPath: workflowsPath(),
      logger: quietBundlerLogger,
      ...(encodeFailures ? { failureConverterPath: encodedFailuresPath() } : {}),
      ...(traced ? { workflowInterceptorModules: [workflowTracingModule()] } : {}),
    });
    cached.set(key, bundle);
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
