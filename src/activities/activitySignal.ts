// The running activity's cancellation (a kill, a timeout seen on heartbeat, worker shutdown), or
// undefined outside an activity. The database connection reads it per call, so a call made by
// an activity gives up when the activity is cancelled and frees its worker slot.
import { Context } from '@temporalio/activity';

export function currentActivitySignal(): AbortSignal | undefined {
  try {
    return Context.current().cancellationSignal;
  } catch {
    return undefined; // not inside an activity: the bridge, the jobs API
  }
}
