// Whether an error means the Temporal server cannot be reached right now (down, restarting,
// a network cut), as opposed to a refusal of the request itself; and a cheap call to probe it.
import type { Client } from '@temporalio/client';

/** gRPC status codes (numbers from the gRPC spec, so no import of grpc-js here). */
const DEADLINE_EXCEEDED = 4;
const UNAVAILABLE = 14;

const TRANSPORT_MESSAGE = /ECONNREFUSED|ECONNRESET|EHOSTUNREACH|failed to connect|connection dropped|no connection established|socket hang up/i;

export function isTemporalUnavailable(error: unknown): boolean {
  for (let current = error, depth = 0; current && depth < 5; current = (current as { cause?: unknown }).cause, depth++) {
    const { code, message } = current as { code?: unknown; message?: unknown };
    if (code === UNAVAILABLE || code === DEADLINE_EXCEEDED) return true;
    if (typeof message === 'string' && TRANSPORT_MESSAGE.test(message)) return true;
  }
  return false;
}

/** The first line of the deepest message: what went wrong, without the SDK's wrapping. */
export function unavailableReason(error: unknown): string {
  let message = String((error as Error)?.message ?? error);
  for (let current = error, depth = 0; current && depth < 5; current = (current as { cause?: unknown }).cause, depth++) {
    const m = (current as { details?: unknown; message?: unknown }).details ?? (current as { message?: unknown }).message;
    if (typeof m === 'string' && m.trim()) message = m;
  }
  return message.split('\n')[0]!.slice(0, 300);
}

/** Resolves when the server answers a cheap call within `timeoutMs`, rejects otherwise. */
export async function probeTemporal(client: Client, timeoutMs: number): Promise<void> {
  await client.withDeadline(Date.now() + timeoutMs, () => client.workflowService.getSystemInfo({}));
}
