// Which HTTP outcomes a retry can fix. Pure, so it is unit-tested apart from the HTTP call.

/** 408 Request Timeout, 425 Too Early and 429 Too Many Requests are worth another try; other 4xx are not. */
const RETRYABLE_CLIENT_ERRORS = new Set([408, 425, 429]);

export function isRetryableStatus(status: number): boolean {
  if (status >= 500) return true;
  return RETRYABLE_CLIENT_ERRORS.has(status);
}

/**
 * Parses Retry-After (delta-seconds or an HTTP date) into ms from `nowMs`.
 * Honoured only on 429 and 503, where RFC 9110 gives it meaning for a retry.
 */
export function parseRetryAfterMs(status: number, header: string | null, nowMs: number): number | undefined {
  if (header === null || (status !== 429 && status !== 503)) return undefined;
  const trimmed = header.trim();
  if (/^\d+$/.test(trimmed)) return Number(trimmed) * 1000;
  const date = Date.parse(trimmed);
  if (Number.isNaN(date)) return undefined;
  return Math.max(0, date - nowMs);
}
