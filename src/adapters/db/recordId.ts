// Job ids travel as strings (`job:abc123`) everywhere outside the database.
import { StringRecordId } from 'surrealdb';

export function toRecordId(jobId: string): StringRecordId {
  return new StringRecordId(jobId);
}

/** The table part of `table:key`. */
export function tableOf(jobId: string): string {
  const colon = jobId.indexOf(':');
  return colon > 0 ? jobId.slice(0, colon) : '';
}

/** `table:key`; the key may hold any character, line breaks included (`job:⟨a\r\nb⟩`). */
export function isJobId(value: string): boolean {
  return /^[a-z][a-z0-9_]*:[\s\S]+$/.test(value);
}
