// Says so when a worker cannot decrypt a workflow task's payloads (a key id this runner lacks, a
// different key under that id): the SDK fails the task and Temporal retries it, so without this
// the workflow just stalls. One error line per distinct cause, repeated at most once a minute.
// The message names key ids only, never key material.
import type { Logger } from 'pino';

const REPEAT_EVERY_MS = 60_000;

export function decodeErrorReporter(logger: Logger, repeatEveryMs = REPEAT_EVERY_MS): (error: Error) => void {
  const lastReported = new Map<string, number>();
  return (error) => {
    const now = Date.now();
    const last = lastReported.get(error.message);
    if (last !== undefined && now - last < repeatEveryMs) return;
    lastReported.set(error.message, now);
    logger.error(`cannot decrypt a payload from Temporal, so its workflow makes no progress until this is fixed: ${error.message}`);
  };
}
