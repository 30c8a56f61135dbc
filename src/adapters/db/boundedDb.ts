// Every call on a SurrealDB connection gets a deadline, and gives up when its caller is
// cancelled. The SDK has neither: a request sent on a socket that went quiet (a stalled or
// partitioned server, a half-open connection, a reconnect whose handshake got no answer) waits
// forever, and so does whatever awaits it, an activity holding a worker's slot included.
// The SDK's calls are lazy thenables with builder methods (`db.query(...)`, `db.live(t).where(...)`):
// the deadline starts when one is awaited.
import { LiveSubscription, type Surreal } from 'surrealdb';
import { DatabaseTimeoutError } from '../../core/errors.js';

export const DEFAULT_DB_CALL_TIMEOUT_MS = 10_000;

export interface CallBounds {
  /** Longest wait for an answer, ms. */
  timeoutMs: number;
  /** The caller's cancellation, read when a call is awaited (an activity's, inside one). */
  signal?: () => AbortSignal | undefined;
  /** Told when a call timed out: the connection may be dead. */
  onTimeout?: (error: DatabaseTimeoutError) => void;
}

/** Methods that return at once, or that manage the connection itself: left as they are. */
const UNBOUNDED = new Set<PropertyKey>(['subscribe', 'connect', 'close', 'constructor']);

/** `db`, with every awaited call bounded. */
export function boundedDb(db: Surreal, bounds: CallBounds): Surreal {
  return new Proxy(db, {
    get(target, prop) {
      const value: unknown = Reflect.get(target, prop, target);
      if (typeof value !== 'function' || UNBOUNDED.has(prop)) return typeof value === 'function' ? value.bind(target) : value;
      return (...args: unknown[]) => bound((value as (...a: unknown[]) => unknown).apply(target, args), String(prop), bounds);
    },
  });
}

/** Awaits `promise` at most `bounds.timeoutMs`, or until the caller's signal aborts. */
export function withDeadline<T>(promise: PromiseLike<T>, method: string, bounds: CallBounds): Promise<T> {
  const signal = bounds.signal?.();
  if (signal?.aborted) return Promise.reject(abortReason(signal));
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => finish(() => reject(abortReason(signal!)));
    const timer = setTimeout(() => {
      const error = new DatabaseTimeoutError(method, bounds.timeoutMs);
      finish(() => reject(error));
      bounds.onTimeout?.(error);
    }, bounds.timeoutMs);
    let done = false;
    const finish = (settle: () => void) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
      settle();
    };
    signal?.addEventListener('abort', onAbort, { once: true });
    promise.then(
      (value) => finish(() => resolve(value)),
      (error: unknown) => finish(() => reject(error as Error)),
    );
  });
}

/** A thenable (or a builder of one) whose `then` is bounded; other values pass through. */
function bound(result: unknown, method: string, bounds: CallBounds): unknown {
  if (!isThenable(result)) return result;
  let settled: Promise<unknown> | undefined;
  // Awaited once: builder thenables dispatch their request on the first `then`.
  const awaited = () =>
    (settled ??= withDeadline(result, method, bounds).then((value) => (value instanceof LiveSubscription ? boundedSubscription(value, bounds) : value)));
  const proxy: unknown = new Proxy(result, {
    get(target, prop) {
      if (prop === 'then') return (onValue?: (v: unknown) => unknown, onError?: (e: unknown) => unknown) => awaited().then(onValue, onError);
      if (prop === 'catch') return (onError?: (e: unknown) => unknown) => awaited().catch(onError);
      if (prop === 'finally') return (onFinally?: () => void) => awaited().finally(onFinally);
      const value: unknown = Reflect.get(target, prop, target);
      if (typeof value !== 'function') return value;
      // Builder methods (`where`, `collect`, `json`, ...): bound what they return too.
      return (...args: unknown[]) => {
        const next = (value as (...a: unknown[]) => unknown).apply(target, args);
        return next === target ? proxy : bound(next, method, bounds);
      };
    },
  });
  return proxy;
}

/** A live subscription whose `kill()` is bounded too (it is a call on the same connection). */
function boundedSubscription(subscription: LiveSubscription, bounds: CallBounds): LiveSubscription {
  return new Proxy(subscription, {
    get(target, prop) {
      const value: unknown = Reflect.get(target, prop, target);
      if (typeof value !== 'function') return value;
      if (prop === 'kill') return () => withDeadline(target.kill(), 'kill', bounds);
      return (value as (...a: unknown[]) => unknown).bind(target);
    },
  });
}

function isThenable(value: unknown): value is PromiseLike<unknown> {
  return (typeof value === 'object' || typeof value === 'function') && value !== null && typeof (value as { then?: unknown }).then === 'function';
}

function abortReason(signal: AbortSignal): unknown {
  return signal.reason ?? new Error('cancelled');
}
