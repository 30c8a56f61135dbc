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
}

export async function readTableShape(db: Surreal, table: string): Promise<TableShape> {
  const [tableInfo] = await db.query<[{ tables?: Record<string, string> }]>('INFO FOR DB');
  const definition = tableInfo?.tables?.[table] ?? '';
  const schemafull = /\bSCHEMAFULL\b/i.test(definition);
  const [info] = await db.query<[{ fields?: Record<string, string> }]>(`INFO FOR TABLE ${escapeIdent(table)}`);
    ;
  const fields = info?.fields ?? {};
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
  };
}

/** Table names are validated by the config (^[a-z][a-z0-9_]*$); this guards direct callers too. */
export function escapeIdent(name: string): string {
  if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) {
    throw new Error(`invalid table name ${JSON.stringify(name)}: expected letters, digits and _`);
  }
  return name;
}

/** Caches shapes; `forget` after a schema deploy. */
export class TableShapes {
  readonly #cache = new Map<string, Promise<TableShape>>();

  constructor(private readonly db: () => Surreal) {}

  get(table: string): Promise<TableShape> {
    let shape = this.#cache.get(table);
    if (!shape) {
      shape = readTableShape(this.db(), table);
      shape.catch(() => this.#cache.delete(table));
      this.#cache.set(table, shape);
    }
    return shape;
  }

  forget(): void {
    this.#cache.clear();
  }
}
