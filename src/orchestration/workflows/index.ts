// Entry point of the workflow bundle: everything exported here runs in Temporal's sandbox.
// `runJob` is what the bridge starts; `jobWorkflow` (v1) stays so runs started before the
// upgrade finish (their histories replay against it unchanged).
export { runJob } from './runJob.js';
export { jobWorkflow } from './jobWorkflow.js';
export { runScheduledJob } from './runScheduledJob.js';
export { pruneOldJobs } from './pruneOldJobs.js';
