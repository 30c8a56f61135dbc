// Registers the job search attributes in the namespace if they are missing (idempotent).
import type { Connection } from '@temporalio/client';
import proto from '@temporalio/proto';
import { JOB_SEARCH_ATTRIBUTES } from '../../core/searchAttributes.js';

export async function registerSearchAttributes(connection: Connection, namespace: string): Promise<void> {
  const existing = await connection.operatorService.listSearchAttributes({ namespace });
  const known = new Set(Object.keys(existing.customAttributes ?? {}));
  const missing = Object.keys(JOB_SEARCH_ATTRIBUTES).filter((name) => !known.has(name));
  if (missing.length === 0) return;
  await connection.operatorService.addSearchAttributes({
    namespace,
    searchAttributes: Object.fromEntries(
      missing.map((name) => [name, proto.temporal.api.enums.v1.IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD]),
    ),
  });
}
