// spooky-temporal: run the outbox jobs of SurrealDB (Sp00ky) apps as Temporal workflows.
// Public API; everything else is internal.
export { createRunner, type Runner, type RunnerOptions, type RunnerMode, type StopOptions } from './app/runner/createRunner.js';
export { JobsClient, type QueueStatus, type ClearOptions, type JobTotals } from './app/jobs/jobsClient.js';
export { openJobsClient, type OpenedJobsClient } from './app/jobs/openJobsClient.js';
export { SchedulesClient, type ScheduleInfo, type ScheduleInput } from './app/schedulesClient.js';
export { DEFAULT_QUEUE } from './core/taskQueues.js';
export { pruneJobs, ClearOptionsError, type PruneOptions, type PruneResult, type ExpiredJob } from './adapters/sql/pruneJobs.js';
export { JobHandle, type WaitOptions } from './app/jobs/jobHandle.js';
export { typedJobs, type TypedJobs, type JobPayloadMap } from './app/jobs/typedJobs.js';
export { generateJobTypes } from './app/generateJobTypes.js';
export { JobBuilder } from './app/jobs/jobBuilder.js';
export { PRIORITY_NAMES, type EnqueueOptions, type Priority, type PriorityName } from './core/enqueueOptions.js';
export { loadConfig, configFromObject, type ConfigObject, type LoadConfigOptions } from './config/loadConfig.js';
export { deploySchema } from './adapters/db/deploySchema.js';
export { openSurreal } from './adapters/db/connect.js';
export { startDevServer, type DevServer, type DevServerOptions } from './adapters/temporal/devServer.js';
export { temporalDataConverter, payloadCodecFor } from './adapters/temporal/dataConverter.js';
export { AesGcmPayloadCodec } from './adapters/temporal/aesGcmCodec.js';
export { getWorkflowBundle } from './orchestration/worker/workflowBundle.js';
export { JOB_SEARCH_ATTRIBUTES } from './core/searchAttributes.js';
export { workflowIdFor } from './core/workflowId.js';
export type { JobEvent, JobLifecycleEvent, JobLifecycleEventName, JobEventMap } from './core/jobEvents.js';
export * from './core/interfaces.js';
export * from './core/errors.js';
