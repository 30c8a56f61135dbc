// spooky-temporal: run the outbox jobs of SurrealDB (Sp00ky) apps as Temporal workflows.
// Public API; everything else is internal.
export { createRunner, type Runner, type RunnerOptions, type RunnerMode, type StopOptions } from './runner/createRunner.js';
export { JobsClient, type QueueStatus, type ClearOptions } from './jobsClient.js';
export { SchedulesClient, type ScheduleInfo, type ScheduleInput } from './schedules/schedulesClient.js';
export { DEFAULT_QUEUE } from './runner/taskQueues.js';
export { pruneJobs, ClearOptionsError, type PruneOptions, type PruneResult, type ExpiredJob } from './pruneJobs.js';
export { JobHandle, type WaitOptions } from './jobHandle.js';
export { typedJobs, type TypedJobs, type JobPayloadMap } from './typedJobs.js';
export { generateJobTypes } from './generateJobTypes.js';
export { JobBuilder } from './jobBuilder.js';
export { PRIORITY_NAMES, type EnqueueOptions, type Priority, type PriorityName } from './enqueueOptions.js';
export { loadConfig, configFromObject, type ConfigObject, type LoadConfigOptions } from './config/loadConfig.js';
export { deploySchema } from './db/deploySchema.js';
export { openSurreal } from './db/connect.js';
export { startDevServer, type DevServer, type DevServerOptions } from './temporal/devServer.js';
export { JOB_SEARCH_ATTRIBUTES } from './workflows/searchAttributes.js';
export { workflowIdFor } from './workflows/workflowId.js';
export type { JobEvent, JobLifecycleEvent, JobLifecycleEventName, JobEventMap } from './runner/jobEvents.js';
export * from './interfaces.js';
export * from './errors.js';
