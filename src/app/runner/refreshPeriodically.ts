// A gauge refresh on a timer: the first at once, then every interval; a failed refresh keeps
// the gauges' last values and is logged once until a refresh works again (readiness says
// when a dependency is gone). The timer never keeps the process alive.
import type { Logger } from 'pino';

export interface PeriodicRefresh {
  refresh(): Promise<void>;
  stop(): void;
}

export function refreshPeriodically(what: string, refreshOnce: () => Promise<void>, logger: Logger, intervalMs = 15_000): PeriodicRefresh {
  let warned = false;
  async function refresh(): Promise<void> {
    try {
      await refreshOnce();
      warned = false;
    } catch (error) {
      if (!warned) logger.warn({ err: error }, `could not refresh the ${what}; trying again`);
      warned = true;
    }
  }
  const timer = setInterval(() => void refresh(), intervalMs);
  timer.unref();
  void refresh();
  return { refresh, stop: () => clearInterval(timer) };
}
