// `schema deploy`: every configured outbox table plus fn::job::kill / fn::job::retry.
import type { Surreal } from 'surrealdb';
import { jobFunctionsSchema, jobTableSchema } from './jobTableSchema.js';

export async function deploySchema(db: Surreal, tables: readonly string[]): Promise<void> {
  const [info] = await db.query<[{ tables?: Record<string, string> }]>('INFO FOR DB');
  const existing = info?.tables ?? {};
  const statements = [...new Set(tables)]
    .map((table) => {
      const definition = existing[table];
      return jobTableSchema(table, definition !== undefined && !/\bSCHEMAFULL\b/i.test(definition));
    })
    .join('\n');
  await db.query(statements + jobFunctionsSchema);
}
