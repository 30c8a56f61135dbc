// A workflow start that Temporal refuses for this row itself will be refused again on every
// pass: the row would stay pending forever and hold a start slot each time. Such a refusal
// ends the row as `invalid` instead. Anything else (unavailable, rate limited) is retried.

/** gRPC status codes (numbers from the gRPC spec, so no import of grpc-js here). */
const INVALID_ARGUMENT = 3;
const RESOURCE_EXHAUSTED = 8;

/** Why Temporal will never start this row's workflow, or undefined when a later try may work. */
export function startRefusalReason(error: unknown): string | undefined {
  const grpc = grpcCause(error);
  if (!grpc) return undefined;
  const details = grpc.details.trim() || 'no details';
  if (grpc.code === INVALID_ARGUMENT) {
    return `Temporal refused to start the job's workflow (INVALID_ARGUMENT: ${details}): the row cannot run as it is; fix it and enqueue the job again`;
  }
  // RESOURCE_EXHAUSTED is mostly a rate limit (retry later), but a message over gRPC's size
  // limit is the row's own size and never passes.
  if (grpc.code === RESOURCE_EXHAUSTED && /larger than max|message size/i.test(details)) {
    return (
      `Temporal refused to start the job's workflow (RESOURCE_EXHAUSTED: ${details}): the workflow input is too large; ` +
      'send a reference instead of the data, and keep method.limits.payloadBytes under the server\'s limits'
    );
  }
  return undefined;
}

/** The gRPC error under the SDK's ServiceError (its `cause`), or the error itself. */
function grpcCause(error: unknown): { code: number; details: string } | undefined {
  for (let current = error, depth = 0; current && depth < 4; current = (current as { cause?: unknown }).cause, depth++) {
    const { code, details } = current as { code?: unknown; details?: unknown };
    if (typeof code === 'number' && typeof details === 'string') return { code, details };
  }
  return undefined;
}
