/** The name of every span source of ours: the runner's, the workflow's and the enqueue's. */
export const TRACER_NAME = 'spooky-temporal';

// The W3C traceparent a job row may carry: `version-traceid-spanid-flags`, lower-case hex.
// Anything else on a row is ignored (the job runs untraced), never an invalid job.
const TRACEPARENT = /^[\da-f]{2}-[\da-f]{32}-[\da-f]{16}-[\da-f]{2}$/;

export function validTraceparent(value: unknown): string | undefined {
  return typeof value === 'string' && TRACEPARENT.test(value) ? value : undefined;
}
