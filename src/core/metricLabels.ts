// Bounded label values for the Prometheus metrics. Pure: no I/O.
import type { JobErrorCode } from './interfaces.js';

/** The `path` label of a path no spec operation or allowedPaths entry matches (allowAnyPath backends). */
export const OTHER_PATH_LABEL = '<other>';

export type FailureReason = 'http_4xx' | 'http_5xx' | 'timeout' | 'invalid' | 'killed' | 'cancelled' | 'transport';

/** The `reason` label of a failed job, from its last error's code (0 or another number: no HTTP answer). */
export function failureReason(code: JobErrorCode | undefined): FailureReason {
  if (typeof code === 'number') {
    if (code >= 400 && code < 500) return 'http_4xx';
    if (code >= 500 && code < 600) return 'http_5xx';
    return 'transport';
  }
  return code ?? 'invalid';
}
