// The one HTTP call of one attempt. It never retries by itself: the workflow owns retries,
// so every attempt and every wait is visible in the workflow's history.
// A 2xx status line means the backend did the work: from then on neither a kill nor a drain
// aborts the call (the body is still read, within the timeout), so the attempt is recorded as
// the success it was instead of `cancelled`, and a retry does not make the backend work twice.
// Heartbeats (which carry a kill to the activity) are sent by the activity around this call.
import { ApplicationFailure, CancelledFailure, Context } from '@temporalio/activity';
import type { BackendConfig } from '../../core/interfaces.js';
import { resolveBackendUrl } from '../../core/resolveBackendUrl.js';
import type { CallBackendInput, CallBackendOutcome } from '../../core/activityContract.js';
import { isRetryableStatus, parseRetryAfterMs } from '../../core/classifyResponse.js';
import { readBodyLimited, shortReason, toStoredResult } from './readBody.js';
import { encodeHeaderValue, isPlainHeaderValue } from '../../core/headerValue.js';
import { MAX_TIMER_MS } from '../../core/jobLimits.js';

export async function callBackend(
  backend: BackendConfig,
  assertDeclaredPath: (path: string) => void,
  input: CallBackendInput,
  /** Aborted when the runner stops and its drain timeout has passed. */
  drain?: AbortSignal,
  /** `traceparent` (and `tracestate`) of the call's span, when tracing is on. */
  traceHeaders: Record<string, string> = {},
): Promise<CallBackendOutcome> {
  // Checked again here, not only in the bridge: nothing but a declared path on the
  // configured base URL may ever be called, whatever reached the workflow's input.
  let url: URL;
  try {
    assertDeclaredPath(input.path);
    url = resolveBackendUrl(backend.baseUrl, input.path);
  } catch (error) {
    return { ok: false, code: 'invalid', reason: (error as Error).message, retryable: false };
  }

  const cancellation = Context.current().cancellationSignal;
  const timeout = new AbortController();
  // Capped: a longer timer fires at once (limits keep new jobs below it; this covers older inputs).
  const timer = setTimeout(() => timeout.abort(), Math.min(input.timeoutMs, MAX_TIMER_MS));
  // Aborts the request while no 2xx status has arrived: on a kill, a drain or the timeout.
  const stop = new AbortController();
  const stopOnKillOrDrain = () => stop.abort();
  const interrupts = [cancellation, ...(drain ? [drain] : [])];
  interrupts.forEach((signal) => signal.addEventListener('abort', stopOnKillOrDrain, { once: true }));
  timeout.signal.addEventListener('abort', () => stop.abort(), { once: true });
  if (interrupts.some((signal) => signal.aborted)) stop.abort();
  try {
    const response = await fetch(url, {
      method: 'POST',
      signal: stop.signal,
      redirect: 'manual', // a redirect could lead to another host
      headers: {
        'content-type': 'application/json',
        accept: 'application/json, text/plain;q=0.9, */*;q=0.5',
        // Valid header values whatever the row id holds (fetch refuses CR/LF and non-Latin-1).
        'idempotency-key': isPlainHeaderValue(input.idempotencyKey) ? input.idempotencyKey : encodeHeaderValue(input.idempotencyKey),
        'x-job-id': encodeHeaderValue(input.jobId),
        'x-job-attempt': String(input.attempt),
        ...(backend.authToken ? { authorization: `Bearer ${backend.authToken}` } : {}),
        ...traceHeaders,
      },
      body: JSON.stringify(input.payload ?? {}),
    });
    if (response.status >= 200 && response.status < 300) {
      interrupts.forEach((signal) => signal.removeEventListener('abort', stopOnKillOrDrain));
      return { ok: true, status: response.status, result: await readSuccessBody(response, input.timeoutMs) };
    }
    const body = await readBodyLimited(response);
    return {
      ok: false,
      code: response.status,
      reason: shortReason(body.truncated ? `${body.text.slice(0, 500)}` : body.text) || `HTTP ${response.status}`,
      retryable: isRetryableStatus(response.status),
      retryAfterMs: parseRetryAfterMs(response.status, response.headers.get('retry-after'), Date.now()),
    };
  } catch (error) {
    if (cancellation.aborted) {
      throw cancellation.reason instanceof CancelledFailure
        ? cancellation.reason
        : new CancelledFailure(String(cancellation.reason ?? 'cancelled'));
    }
    if (drain?.aborted) {
      // Not the job's failure: the attempt fails as an activity and Temporal runs it again on
      // another worker, with the same claim key, without counting a retry.
      throw ApplicationFailure.retryable('the worker stopped before the call finished (drain timeout); the attempt runs again elsewhere', 'WorkerStopping');
    }
    if (timeout.signal.aborted) {
      return { ok: false, code: 'timeout', reason: `no response within ${input.timeoutMs} ms`, retryable: true };
    }
    return { ok: false, code: 0, reason: shortReason(transportMessage(error)), retryable: true };
  } finally {
    clearTimeout(timer);
    interrupts.forEach((signal) => signal.removeEventListener('abort', stopOnKillOrDrain));
  }
}

/** A 2xx body that stops arriving (the timeout, a reset) leaves the attempt a success, with a marker. */
async function readSuccessBody(response: Response, timeoutMs: number): Promise<unknown> {
  try {
    return toStoredResult(await readBodyLimited(response));
  } catch (error) {
    return { incomplete: true, reason: `the 2xx body did not arrive whole within ${timeoutMs} ms: ${transportMessage(error)}` };
  }
}

/** fetch wraps the useful part (ECONNREFUSED, ...) in `cause`. */
function transportMessage(error: unknown): string {
  const err = error as Error & { cause?: { code?: string; message?: string } };
  const cause = err.cause?.code ?? err.cause?.message;
  return cause ? `${err.message}: ${cause}` : String(err.message ?? err);
}
