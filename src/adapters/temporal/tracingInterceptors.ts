// Temporal's OpenTelemetry interceptors, wired to the runner's tracer: the bridge's client puts
// the row's trace into the workflow's headers, the workflow's spans (run, attempts, waits) leave
// the sandbox through a sink, and each activity runs inside a span that is the workflow's child.
import { Client } from '@temporalio/client';
import type { ActivityInterceptorsFactory, WorkerOptions } from '@temporalio/worker';
import type { WorkflowInfo } from '@temporalio/workflow';
import {
  makeWorkflowExporter,
  OpenTelemetryActivityInboundInterceptor,
  OpenTelemetryActivityOutboundInterceptor,
  OpenTelemetryWorkflowClientInterceptor,
  type SerializableSpan,
} from '@temporalio/interceptors-opentelemetry';
import type { RunnerTracing } from '../tracing/runnerTracing.js';

/** A client on the same connection whose workflow starts carry the active trace in their headers. */
export function tracedClient(client: Client, tracing: RunnerTracing): Client {
  const interceptors = client.options.interceptors ?? {};
  const existing = Array.isArray(interceptors.workflow) ? interceptors.workflow : [];
  return new Client({
    connection: client.connection,
    namespace: client.options.namespace,
    dataConverter: client.options.dataConverter,
    identity: client.options.identity,
    interceptors: { ...interceptors, workflow: [...existing, new OpenTelemetryWorkflowClientInterceptor({ tracer: tracing.tracer })] },
  });
}

export interface WorkerTracing {
  sinks: NonNullable<WorkerOptions['sinks']>;
  activityInterceptor: ActivityInterceptorsFactory;
}

/**
 * The sink copies the whole workflow info onto each workflow span (search attributes with the
 * raw path, memo, the last failure, the SDK's internals: about 2 KB a span); keep what identifies
 * the run.
 */
function identifyingInfo(info: WorkflowInfo): WorkflowInfo {
  const { workflowId, runId, workflowType, taskQueue, namespace, attempt } = info;
  return { workflowId, runId, workflowType, taskQueue, namespace, attempt } as WorkflowInfo;
}

export function workerTracing(tracing: RunnerTracing): WorkerTracing {
  const exporter = makeWorkflowExporter(tracing.spanProcessor, tracing.resource);
  return {
    sinks: { exporter: { export: { ...exporter.export, fn: (info: WorkflowInfo, spans: SerializableSpan[]) => exporter.export.fn(identifyingInfo(info), spans) } } },
    activityInterceptor: (ctx) => ({
      inbound: new OpenTelemetryActivityInboundInterceptor(ctx, { tracer: tracing.tracer }),
      outbound: new OpenTelemetryActivityOutboundInterceptor(ctx),
    }),
  };
}
