// What every job workflow is started with, whoever starts it (the bridge, or a schedule's
// workflow as its child): the search attributes the UI filters on, and the static summary.
// Pure and sandbox-safe: workflow code imports it too.
import type { SearchAttributePair } from '@temporalio/common';
import type { JobWorkflowInput } from './interfaces.js';
import { JOB_BACKEND, JOB_ID, JOB_PATH, JOB_STATUS, JOB_TABLE } from './searchAttributes.js';

export function jobStartOptions(input: JobWorkflowInput): {
  typedSearchAttributes: SearchAttributePair[];
  staticSummary: string;
  staticDetails: string;
} {
  return {
    typedSearchAttributes: [
      { key: JOB_ID, value: input.jobId },
      { key: JOB_TABLE, value: input.table },
      { key: JOB_BACKEND, value: input.backend },
      { key: JOB_PATH, value: input.path },
      { key: JOB_STATUS, value: 'pending' },
    ],
    staticSummary: `${input.backend} POST ${input.path}`,
    staticDetails:
      `job ${input.jobId} (run ${input.run}) on table ${input.table}: ` +
      `max_retries ${input.maxRetries}, ${input.retryStrategy} backoff, timeout ${input.timeoutMs} ms, ` +
      `due ${new Date(input.dueAtMs).toISOString()}`,
  };
}
