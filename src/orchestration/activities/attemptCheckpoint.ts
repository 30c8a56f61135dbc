// The backend's answer, kept in the attempt's heartbeat details once it came back. If recording
// it fails (the database refuses the write, the worker dies), Temporal retries the activity with
// those details: the retry records the kept answer instead of calling the backend again.
import { Context } from '@temporalio/activity';
import type { AttemptDecision } from '../../core/decideOutcome.js';
import type { AttemptKey } from '../../adapters/sql/attemptKey.js';

export interface AttemptCheckpoint {
  run: number;
  attempt: number;
  decision: AttemptDecision;
}

/** The answer an earlier try of this very attempt kept, if any. */
export function keptDecision(key: AttemptKey): AttemptDecision | undefined {
  const details = Context.current().info.heartbeatDetails as Partial<AttemptCheckpoint> | undefined;
  if (!details || details.run !== key.run || details.attempt !== key.attempt || !details.decision) return undefined;
  return details.decision;
}

/** Sends the checkpoint now (the SDK throttles it to one heartbeat a second). */
export function keepDecision(checkpoint: AttemptCheckpoint): void {
  Context.current().heartbeat(checkpoint);
}
