// The runner's one SurrealDB connection. Everything reads it through `db` at call time,
// so when the connection is reopened, activities use the new one too. Every call through
// `db` has a deadline and honours its caller's cancellation (see boundedDb); a call that
// times out reopens the connection in the background, since the SDK never notices a socket
// that went quiet, nor a reconnect whose handshake got no answer.
import type { Surreal } from 'surrealdb';
import { boundedDb, withDeadline, DEFAULT_DB_CALL_TIMEOUT_MS, type CallBounds } from './boundedDb.js';

export interface DbConnectionOptions {
  /** Deadline of each call, ms. Default 10 s. */
  callTimeoutMs?: number;
  /** The current caller's cancellation, read per call (the runner passes the activity's). */
  signal?: () => AbortSignal | undefined;
  /** Told when a background reopen after a timeout failed (it is tried again, with backoff). */
  onReopenError?: (error: unknown) => void;
}

/** Waits between background reopens while they fail: doubling from `first` to `max`. */
const REOPEN_BACKOFF_MS = { first: 1_000, max: 10_000 };

export class DbConnection {
  #db: Surreal;
  #bounded: Surreal;
  #generation = 0;
  #reopening: Promise<void> | undefined;
  /** The background reopen after a timeout, while it runs. */
  #recovering: Promise<void> | undefined;
  #closed = false;
  readonly #bounds: CallBounds;

  private constructor(
    db: Surreal,
    /** Opens a fresh connection; absent when the app lent us its own instance. */
    private readonly open: (() => Promise<Surreal>) | undefined,
    private readonly options: DbConnectionOptions,
  ) {
    this.#bounds = {
      timeoutMs: options.callTimeoutMs ?? DEFAULT_DB_CALL_TIMEOUT_MS,
      ...(options.signal ? { signal: options.signal } : {}),
      onTimeout: () => this.#reopenSoon(),
    };
    this.#db = db;
    this.#bounded = boundedDb(db, this.#bounds);
  }

  static async open(open: () => Promise<Surreal>, options: DbConnectionOptions = {}): Promise<DbConnection> {
    return new DbConnection(await open(), open, options);
  }

  /** An app's own instance: we never close it, and cannot reopen it (the app owns reconnects). */
  static borrow(db: Surreal, options: DbConnectionOptions = {}): DbConnection {
    return new DbConnection(db, undefined, options);
  }

  /** The current connection; every call on it is bounded. */
  get db(): Surreal {
    return this.#bounded;
  }

  get canReopen(): boolean {
    return this.open !== undefined;
  }

  /** Counts reopens: whoever holds live queries on the connection resubscribes when it changes. */
  get generation(): number {
    return this.#generation;
  }

  /** True when a trivial query answers within `timeoutMs`. */
  async isHealthy(timeoutMs = 3000): Promise<boolean> {
    try {
      await withDeadline(this.#db.query('RETURN 1'), 'health check', { timeoutMs });
      return true;
    } catch {
      return false;
    }
  }

  /**
   * Opens a fresh connection and swaps it in; the old one is closed behind it. Single-flight:
   * a caller arriving while a reopen runs joins it. Throws (keeping the old one) when the
   * fresh one cannot be opened.
   */
  reopen(): Promise<void> {
    if (!this.open) return Promise.resolve();
    this.#reopening ??= (async () => {
      const fresh = await this.open!();
      if (this.#closed) {
        await closeWithin(fresh);
        return;
      }
      const old = this.#db;
      this.#db = fresh;
      this.#bounded = boundedDb(fresh, this.#bounds);
      this.#generation++;
      void closeWithin(old);
    })().finally(() => (this.#reopening = undefined));
    return this.#reopening;
  }

  async close(): Promise<void> {
    this.#closed = true;
    await this.#reopening?.catch(() => undefined);
    if (this.open) await closeWithin(this.#db);
  }

  /**
   * After a timed-out call: reopen in the background, until a reopen succeeds or the current
   * connection answers again, waiting longer after each failure. Single-flight.
   */
  #reopenSoon(): void {
    if (!this.open || this.#closed || this.#recovering) return;
    this.#recovering = (async () => {
      for (let waitMs = REOPEN_BACKOFF_MS.first; !this.#closed; waitMs = Math.min(waitMs * 2, REOPEN_BACKOFF_MS.max)) {
        try {
          await this.reopen();
          return;
        } catch (error) {
          this.options.onReopenError?.(error);
        }
        await new Promise((resolve) => setTimeout(resolve, waitMs).unref());
        if (await this.isHealthy(1_000)) return; // the old connection recovered on its own
      }
    })().finally(() => (this.#recovering = undefined));
  }
}

/** Closing waits for the server's goodbye, which a stalled server never sends. */
async function closeWithin(db: Surreal, timeoutMs = 5_000): Promise<void> {
  await withDeadline(db.close(), 'close', { timeoutMs }).catch(() => undefined);
}
