// Which fields a job table really has. A table defined exactly like Sp00ky's seed has no
// `result`/`run` fields and cannot store error objects (errors[*] is not FLEXIBLE); a
// SCHEMAFULL table rejects writes of fields it lacks, so every write asks its table's shape.
import type { Surreal } from 'surrealdb';

export interface TableShape {
  table: string;
  schemafull: boolean;
  /** Whether `field` may be written (always true on a schemaless table). */
  has(field: string): boolean;
  /** Whether error entries `{code, reason, ...}` can be appended to `errors`. */
  canAppendErrors: boolean;
  /**
   * Whether an index on (status, created_at) exists, so pending rows can be read in
   * created_at order without sorting (our schema deploy defines it; the seed's table lacks it).
   */
  hasPendingIndex: boolean;
}

export async function readTableShape(db: Surreal, table: string): Promise<TableShape> {
  const [tableInfo] = await db.query<[{ tables?: Record<string, string> }]>('INFO FOR DB');
  const definition = tableInfo?.tables?.[table] ?? '';
  const schemafull = /\bSCHEMAFULL\b/i.test(definition);
  const [info] = await db.query<[{ fields?: Record<string, string>; indexes?: Record<string, string> }]>(
    `INFO FOR TABLE ${escapeIdent(table)}`,
  );
  const fields = info?.fields ?? {};
  if (schemafull && !('path' in fields && 'status' in fields)) {
    // Every job table defines both (Sp00ky's documented one too). A read without them is not the
    // table's shape (seen in the chaos run around dropped connections): cached, it made the
    // runner treat the table as lacking fields for 30 s (every schedule slot then failed with
    // SchemaMissing). Thrown instead, so the step retries and the cache keeps nothing.
    throw new Error(
      `reading the definition of table ${table} returned no path or status field (fields: ${Object.keys(fields).join(', ') || 'none'}); retrying`,
    );
  }
  const hasPendingIndex = Object.values(info?.indexes ?? {}).some((definition) => /\bFIELDS\s+status\s*,\s*created_at\b/i.test(definition));
  const names = new Set(Object.keys(fields));
  const errorsDef = fields['errors'];
  const elementDef = fields['errors.*'] ?? fields['errors[*]'];
  const canAppendErrors =
    !schemafull ||
    errorsDef === undefined ||
    /\bFLEXIBLE\b/i.test(elementDef ?? '') ||
    /\bFLEXIBLE\b/i.test(errorsDef) ||
    /TYPE\s+(?:any|array<any>|array(?![<\w]))/i.test(errorsDef);
  return {
    table,
    schemafull,
    has: (field) => !schemafull || names.has(field),
    canAppendErrors,
    hasPendingIndex,
  };
}

/** Table names are validated by the config (^[a-z][a-z0-9_]*$); this guards direct callers too. */
export function escapeIdent(name: string): string {
  if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) {
    throw new Error(`invalid table name ${JSON.stringify(name)}: expected letters, digits and _`);
  }
  return name;
}

/** Default age after which a cached shape is read again. */
export const SHAPE_MAX_AGE_MS = 30_000;

/**
 * Caches shapes; `forget` after a schema deploy made here. A schema deployed by another
 * process (`schema deploy` from a terminal) is seen once a cached shape is `maxAgeMs` old.
 */
export class TableShapes {
  readonly #cache = new Map<string, { shape: Promise<TableShape>; readAt: number }>();

  constructor(
    private readonly db: () => Surreal,
    private readonly maxAgeMs = SHAPE_MAX_AGE_MS,
  ) {}

  get(table: string): Promise<TableShape> {
    const cached = this.#cache.get(table);
    if (cached && Date.now() - cached.readAt < this.maxAgeMs) return cached.shape;
    const shape = readTableShape(this.db(), table);
    const entry = { shape, readAt: Date.now() };
    shape.catch(() => {
      if (this.#cache.get(table) === entry) this.#cache.delete(table);
    });
    this.#cache.set(table, entry);
    return shape;
  }

  forget(): void {
    this.#cache.clear();
  }
}
