// Retrying a startup step (connect to SurrealDB and Temporal) a few times with backoff.

export interface RetryOptions {
  /** Total tries (≥ 1). */
  attempts: number;
  /** Wait before the 2nd try; doubles each time, capped at `maxDelayMs`. */
  baseDelayMs: number;
  maxDelayMs?: number;
  /** Which errors are worth another try (default: all). */
  shouldRetry?: (error: unknown) => boolean;
  onRetry?: (error: unknown, attempt: number, delayMs: number) => void;
  sleep?: (ms: number) => Promise<void>;
}

export function backoffDelays(attempts: number, baseDelayMs: number, maxDelayMs = Number.POSITIVE_INFINITY): number[] {
  return Array.from({ length: Math.max(0, attempts - 1) }, (_, i) => Math.min(maxDelayMs, baseDelayMs * 2 ** i));
}

export async function withRetries<T>(fn: (attempt: number) => Promise<T>, options: RetryOptions): Promise<T> {
  const delays = backoffDelays(options.attempts, options.baseDelayMs, options.maxDelayMs);
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  for (let attempt = 1; ; attempt++) {
    try {
      return await fn(attempt);
    } catch (error) {
      const delay = delays[attempt - 1];
      if (delay === undefined || !(options.shouldRetry?.(error) ?? true)) throw error;
      options.onRetry?.(error, attempt, delay);
      await sleep(delay);
    }
  }
}
