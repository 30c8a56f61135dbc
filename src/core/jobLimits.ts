// What one job may ask of its backend, checked by one pure function that enqueue (API, builder,
// CLI) and the bridge (raw rows) both call, so a value refused at enqueue is exactly a value
// that ends a raw row as `invalid`, with the same words.
import type { BackendConfig, JobLimits } from './interfaces.js';

/** setTimeout's range: a longer timer fires after 1 ms, so every attempt would time out at once. */
export const MAX_TIMER_MS = 2 ** 31 - 1;
/** The longest HTTP timeout any config may give (2,147,483 s, about 24.8 days). */
export const MAX_TIMEOUT_SECONDS = Math.floor(MAX_TIMER_MS / 1000);
/** The largest delay limit a config may set (100 years): created_at + delay must stay a valid date. */
export const MAX_DELAY_LIMIT_MS = 100 * 365 * 86_400_000;

/**
 * 1 MiB: Temporal refuses a start whose input is over 2 MiB (limit.blobSize.error) and the
 * payload travels in the workflow input and in every attempt's activity input.
 */
export const LIMIT_DEFAULTS: JobLimits = { payloadBytes: 1_048_576, delayMs: 365 * 86_400_000, timeoutSeconds: 3_600 };

/** Where each limit is set, for the messages. */
const LIMIT_KEYS = {
  payloadBytes: 'sp00ky.yml method.limits.payloadBytes, SPKY_JOB_CONFIG limits.payload_bytes, limits.payloadBytes in code',
  delayMs: 'sp00ky.yml method.limits.delay, SPKY_JOB_CONFIG limits.delay, limits.delayMs in code',
  timeoutSeconds: 'sp00ky.yml method.limits.timeout, SPKY_JOB_CONFIG limits.timeout, limits.timeoutSeconds in code',
  maxRetries: 'sp00ky.yml method.maxRetriesLimit, SPKY_JOB_CONFIG max_retries_limit, maxRetriesLimit in code',
} as const;

/** The fields of a job this checks, as the row (or the enqueue) gives them. */
export interface JobRequest {
  /** Decoded: what the workflow input will carry. */
  payload: unknown;
  maxRetries: unknown;
  delayMs: unknown;
  timeoutSeconds?: unknown;
  idempotencyKey?: unknown;
}

export type JobField = 'payload' | 'delay' | 'timeout' | 'max_retries' | 'idempotency_key';

export interface JobProblem {
  /** The row field at fault (the CLI reports it as bad usage). */
  field: JobField;
  /** What is wrong, the limit, and how to change it. */
  reason: string;
}

/** Why this job cannot run on this backend, or undefined. Pure: no I/O, no clock. */
export function jobRequestProblem(job: JobRequest, backend: BackendConfig): JobProblem | undefined {
  return (
    maxRetriesProblem(job.maxRetries, backend) ??
    delayProblem(job.delayMs, backend) ??
    timeoutProblem(job.timeoutSeconds, backend) ??
    idempotencyKeyProblem(job.idempotencyKey) ??
    payloadProblem(job.payload, backend)
  );
}

export function maxRetriesProblem(maxRetries: unknown, backend: BackendConfig): JobProblem | undefined {
  const field = 'max_retries';
  if (!isWholeNumber(maxRetries) || maxRetries < 0) {
    return { field, reason: `max_retries must be a whole number ≥ 0 (retries after the first attempt), got ${show(maxRetries)}` };
  }
  if (maxRetries <= backend.maxRetriesLimit) return undefined;
  return {
    field,
    reason:
      `max_retries ${maxRetries} is over backend ${backend.name}'s limit of ${backend.maxRetriesLimit}: ` +
      `enqueue it with max_retries ≤ ${backend.maxRetriesLimit}, or raise the limit (${LIMIT_KEYS.maxRetries})`,
  };
}

function delayProblem(delayMs: unknown, backend: BackendConfig): JobProblem | undefined {
  const field = 'delay';
  if (delayMs === undefined) return undefined;
  if (!isWholeNumber(delayMs) || delayMs < 0) {
    return { field, reason: `delay must be a whole number of milliseconds ≥ 0, got ${show(delayMs)}` };
  }
  const limit = backend.limits.delayMs;
  if (delayMs <= limit) return undefined;
  return {
    field,
    reason:
      `delay is ${count(delayMs)} ms, over backend ${backend.name}'s limit of ${count(limit)} ms (${days(limit)}): ` +
      `enqueue it with a shorter delay, or raise the limit (${LIMIT_KEYS.delayMs})`,
  };
}

function timeoutProblem(timeoutSeconds: unknown, backend: BackendConfig): JobProblem | undefined {
  const field = 'timeout';
  if (timeoutSeconds === undefined || timeoutSeconds === null) return undefined;
  if (!isWholeNumber(timeoutSeconds) || timeoutSeconds < 1) {
    return { field, reason: `timeout must be a whole number of seconds ≥ 1, got ${show(timeoutSeconds)}` };
  }
  // Without timeoutOverridable the row's timeout is not used (Sp00ky's rule): nothing to limit.
  if (!backend.timeoutOverridable) return undefined;
  const limit = backend.limits.timeoutSeconds;
  if (timeoutSeconds <= limit) return undefined;
  return {
    field,
    reason:
      `timeout is ${count(timeoutSeconds)} s, over backend ${backend.name}'s limit of ${count(limit)} s: ` +
      `enqueue it with a shorter timeout, or raise the limit (${LIMIT_KEYS.timeoutSeconds}; at most ${count(MAX_TIMEOUT_SECONDS)} s)`,
  };
}

/**
 * The key is sent as the Idempotency-Key header as it is: printable ASCII without spaces
 * (0x21–0x7E). Anything else cannot be a header value unchanged (fetch refuses CR/LF and
 * non-Latin-1; trims spaces), and a key the backend sees differently from the one the
 * enqueuer wrote would break deduplication there.
 */
export function idempotencyKeyProblem(key: unknown): JobProblem | undefined {
  const field = 'idempotency_key';
  if (key === undefined || key === null) return undefined;
  if (typeof key !== 'string' || key.length < 1 || key.length > 255) {
    return { field, reason: `idempotency key must be 1–255 characters, got ${typeof key === 'string' ? `${key.length}` : show(key)}` };
  }
  const bad = [...key].findIndex((char) => char < '!' || char > '~');
  if (bad < 0) return undefined;
  const char = [...key][bad]!;
  return {
    field,
    reason:
      `idempotency key must be printable ASCII without spaces (0x21–0x7E), as it is sent as the Idempotency-Key header; ` +
      `character ${bad + 1} is U+${char.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')}: ` +
      `use e.g. a hex or base64url digest of the key`,
  };
}

export function payloadProblem(payload: unknown, backend: BackendConfig): JobProblem | undefined {
  const field = 'payload';
  let bytes: number;
  try {
    bytes = payloadSize(payload);
  } catch (error) {
    return { field, reason: `payload cannot be sent as JSON (${(error as Error).message})` };
  }
  const limit = backend.limits.payloadBytes;
  if (bytes <= limit) return undefined;
  return {
    field,
    reason:
      `payload is ${count(bytes)} bytes of JSON, over backend ${backend.name}'s limit of ${count(limit)}: ` +
      `send a reference (an id or URL) instead of the data, or raise the limit (${LIMIT_KEYS.payloadBytes})`,
  };
}

/** Bytes of the JSON body the backend will receive (UTF-8). */
export function payloadSize(payload: unknown): number {
  return new TextEncoder().encode(JSON.stringify(payload ?? {})).length;
}

function isWholeNumber(value: unknown): value is number {
  return typeof value === 'number' && Number.isInteger(value);
}

function count(n: number): string {
  return n.toLocaleString('en-US');
}

function days(ms: number): string {
  const d = ms / 86_400_000;
  return d >= 1 ? `${count(Math.round(d * 10) / 10)} days` : `${count(ms / 1000)} s`;
}

function show(value: unknown): string {
  if (typeof value === 'number' || typeof value === 'boolean' || value === null || value === undefined) return String(value);
  return JSON.stringify(value)?.slice(0, 40) ?? typeof value;
}
