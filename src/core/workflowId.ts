// One workflow id per enqueue: the first run of `job:abc123` is `job:abc123` (paste a job id
// into the Temporal UI to find it); each retry of a finished job is a new enqueue,
// `job:abc123~retry-1`, ... so duplicate starts of the same enqueue are rejected by Temporal.
export function workflowIdFor(jobId: string, run: number): string {
  return run <= 1 ? jobId : `${jobId}~retry-${run - 1}`;
}

export function jobIdOfWorkflowId(workflowId: string): string {
  const tilde = workflowId.lastIndexOf('~retry-');
  return tilde > 0 ? workflowId.slice(0, tilde) : workflowId;
}
