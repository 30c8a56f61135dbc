// Which module makes a workflow bundle traced, and how to tell a traced bundle: resolved, never
// imported, so a process with tracing off loads none of the tracing packages.
import { createRequire } from 'node:module';

/** The module the workflow bundle loads to trace workflows (see getWorkflowBundle({ traced: true })). */
export function workflowTracingModule(): string {
  return createRequire(import.meta.url).resolve('@temporalio/interceptors-opentelemetry/lib/workflow-interceptors');
}

/** Found in a bundle's code when it carries the workflow tracing interceptors. */
const TRACED_BUNDLE_MARK = 'OpenTelemetryInboundInterceptor';

export function bundleTracesWorkflows(bundle: { code: string }): boolean {
  return bundle.code.includes(TRACED_BUNDLE_MARK);
}
