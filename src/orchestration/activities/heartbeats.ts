// Heartbeats while an activity works: the only way a kill (a cancellation) reaches it, and how
// Temporal notices a worker that died mid-attempt. None at the start: each heartbeat is a server
// write, the heartbeat timeout already counts from the start, and most attempts end sooner.
import { Context } from '@temporalio/activity';

/** Heartbeat period. The worker's heartbeat throttle (maxHeartbeatThrottleInterval) matches it. */
export const HEARTBEAT_EVERY_MS = 1_000;

/** `details`: what each heartbeat carries (a checkpoint a retry of the activity reads back). */
export async function withHeartbeats<T>(work: () => Promise<T>, details?: () => unknown): Promise<T> {
  const context = Context.current();
  const timer = setInterval(() => context.heartbeat(details?.()), HEARTBEAT_EVERY_MS);
  try {
    return await work();
  } finally {
    clearInterval(timer);
  }
}
