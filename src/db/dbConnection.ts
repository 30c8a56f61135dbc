// The runner's one SurrealDB connection. Everything reads it through `db` at call time,
// so when the bridge reopens a dropped connection, activities use the new one too.
import type { Surreal } from 'surrealdb';

export class DbConnection {
  #db: Surreal;

  private constructor(
    db: Surreal,
    /** Opens a fresh connection; absent when the app lent us its own instance. */
    private readonly open: (() => Promise<Surreal>) | undefined,
  ) {
    this.#db = db;
  }

  static async open(open: () => Promise<Surreal>): Promise<DbConnection> {
    return new DbConnection(await open(), open);
  }

  /** An app's own instance: we never close it, and cannot reopen it (the app owns reconnects). */
  static borrow(db: Surreal): DbConnection {
    return new DbConnection(db, undefined);
  }

  get db(): Surreal {
    return this.#db;
  }

  get canReopen(): boolean {
    return this.open !== undefined;
  }

  /** True when a trivial query answers within `timeoutMs`. */
  async isHealthy(timeoutMs = 3000): Promise<boolean> {
    let timer: NodeJS.Timeout | undefined;
    try {
      const probe = this.#db.query('RETURN 1').then(() => true);
      const timeout = new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(false), timeoutMs)));
      return await Promise.race([probe, timeout]);
    } catch {
      return false;
    } finally {
      clearTimeout(timer);
    }
  }

  async reopen(): Promise<void> {
    if (!this.open) return;
    await this.#db.close().catch(() => undefined);
    this.#db = await this.open();
  }

  async close(): Promise<void> {
    if (this.open) await this.#db.close().catch(() => undefined);
  }
}
