// `schema deploy`: every configured outbox table plus fn::job::kill / fn::job::retry.
import type { Surreal } from 'surrealdb';
import { jobFunctionsSchema, jobTableSchema } from './jobTableSchema.js';

export async function deploySchema(db: Surreal, tables: readonly string[]): Promise<void> {
  const unique = [...new Set(tables)];
  const statements = unique.map(jobTableSchema).join('\n') + jobFunctionsSchema;
  await db.query(statements);
}
