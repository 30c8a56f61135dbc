// `jobs get|kill|retry <ref>`: a ref is `table:key`, a bare key, or a unique prefix of either.
// The matching rules are pure; the lookup is passed in (SQL for DirectJobs, fakes in tests).
import { JobNotFoundError } from '../../core/errors.js';
import { AmbiguousJobIdError, UsageError } from './cliErrors.js';

export interface JobRef {
  raw: string;
  /** Set when the ref named a configured table (`job:...`). */
  table?: string;
  /** The key or key prefix, without brackets. */
  key: string;
}

export interface JobCandidate {
  id: string;
  table: string;
  key: string;
}

export type RefMatch =
  | { kind: 'found'; id: string }
  | { kind: 'none' }
  | { kind: 'ambiguous'; matches: string[]; more: boolean };

export const MAX_SHOWN_MATCHES = 6;

export function parseJobRef(input: string, tables: readonly string[]): JobRef {
  const raw = input.trim();
  if (raw === '') throw new UsageError('expected a job id such as job:abc123, a bare key (abc123) or a unique prefix of one');
  const colon = raw.indexOf(':');
  if (colon > 0) {
    const table = raw.slice(0, colon);
    if (!tables.includes(table)) {
      throw new JobNotFoundError(raw);
    }
    return { raw, table, key: unbracket(raw.slice(colon + 1)) };
  }
  return { raw, key: unbracket(raw) };
}

/** `⟨a-b⟩` and `` `a-b` `` (SurrealQL's escaped keys) → `a-b`. */
function unbracket(key: string): string {
  const m = /^⟨(.*)⟩$/.exec(key) ?? /^`(.*)`$/.exec(key);
  return m?.[1] ?? key;
}

/** Exact key wins; otherwise exactly one prefix match; otherwise none or ambiguous. */
export function pickJobMatch(ref: JobRef, candidates: readonly JobCandidate[], max = MAX_SHOWN_MATCHES): RefMatch {
  const inScope = candidates.filter((c) => (ref.table === undefined || c.table === ref.table) && c.key.startsWith(ref.key));
  const unique = [...new Map(inScope.map((c) => [c.id, c])).values()];
  const exact = unique.filter((c) => c.key === ref.key);
  const chosen = exact.length > 0 ? exact : unique;
  if (chosen.length === 0) return { kind: 'none' };
  if (chosen.length === 1) return { kind: 'found', id: chosen[0]!.id };
  const ids = chosen.map((c) => c.id).sort();
  return { kind: 'ambiguous', matches: ids.slice(0, max), more: ids.length > max };
}

/**
 * Resolves a ref to one job id: `findByPrefix(table, prefix, limit)` lists candidates of one table
 * (at most `limit`). Throws JobNotFoundError or AmbiguousJobIdError.
 */
export async function resolveJobRef(
  input: string,
  tables: readonly string[],
  findByPrefix: (table: string, keyPrefix: string, limit: number) => Promise<JobCandidate[]>,
): Promise<string> {
  const ref = parseJobRef(input, tables);
  const candidates: JobCandidate[] = [];
  for (const table of ref.table ? [ref.table] : tables) {
    candidates.push(...(await findByPrefix(table, ref.key, MAX_SHOWN_MATCHES + 1)));
  }
  const match = pickJobMatch(ref, candidates);
  if (match.kind === 'found') return match.id;
  if (match.kind === 'ambiguous') throw new AmbiguousJobIdError(ref.raw, match.matches, match.more);
  throw new JobNotFoundError(ref.raw);
}
