// Entry point of the workflow bundle: everything exported here runs in Temporal's sandbox.
export { jobWorkflow } from './jobWorkflow.js';
