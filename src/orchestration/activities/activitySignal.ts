// The running activity's cancellation (a kill, a timeout seen on heartbeat, worker shutdown), or
// undefined outside an activity. The database connection reads it per call, so a call made by
// an activity gives up when the activity is cancelled and frees its worker slot.
// Some writes must be made even so: once a backend answered, its answer is recorded (a 2xx wins
// over a kill that came too late). Those run inside `shieldFromCancellation`, still with a deadline.
import { AsyncLocalStorage } from 'node:async_hooks';
import { Context } from '@temporalio/activity';

const shielded = new AsyncLocalStorage<true>();

export function currentActivitySignal(): AbortSignal | undefined {
  if (shielded.getStore()) return undefined;
  try {
    return Context.current().cancellationSignal;
  } catch {
    return undefined; // not inside an activity: the bridge, the jobs API
  }
}

/** Runs `work` with database calls that ignore the activity's cancellation (not their deadline). */
export function shieldFromCancellation<T>(work: () => Promise<T>): Promise<T> {
  return shielded.run(true, work);
}
