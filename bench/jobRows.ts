// Job rows written and counted the way an app does, straight in the job table.
import type { Surreal } from 'surrealdb';
import { now } from './waiting.js';

export interface JobRows {
  /** When each row written by insert() was created (wall clock), by job id. */
  createdAt: Map<string, number>;
  /** One row; returns its id. */
  insert(fields?: { path?: string; delay?: number; max_retries?: number }): Promise<string>;
  /** `count` rows, 500 per query. */
  insertMany(count: number, fields: { path: string; delay: number }): Promise<void>;
  countWhere(condition: string): Promise<number>;
  /** Job id → the `assignee` its claim wrote (the runner that ran it), for the rows matching `condition`. */
  assignees(condition: string): Promise<Map<string, string>>;
}

export function jobRows(db: Surreal): JobRows {
  const createdAt = new Map<string, number>();
  return {
    createdAt,
    async insert(fields = {}) {
      const [rows] = await db.query<[{ id: unknown }[]]>('CREATE job CONTENT $c RETURN id', {
        c: { path: fields.path ?? '/ok', payload: '{}', max_retries: fields.max_retries ?? 0, retry_strategy: 'linear', delay: fields.delay ?? 0, status: 'pending' },
      });
      const id = String(rows[0]!.id);
      createdAt.set(id, now());
      return id;
    },
    async insertMany(count, fields) {
      for (let i = 0; i < count; i += 500) {
        await db.query('FOR $i IN 1..=$n { CREATE job CONTENT { path: $path, payload: "{}", max_retries: 0, retry_strategy: "linear", delay: $delay, status: "pending" } }', {
          n: Math.min(500, count - i),
          ...fields,
        });
      }
    },
    async countWhere(condition) {
      const [rows] = await db.query<[{ n: number }[]]>(`SELECT count() AS n FROM job WHERE ${condition} GROUP ALL`);
      return rows[0]?.n ?? 0;
    },
    async assignees(condition) {
      const [rows] = await db.query<[{ id: unknown; assignee?: string }[]]>(`SELECT id, assignee FROM job WHERE ${condition}`);
      return new Map(rows.map((r) => [String(r.id), r.assignee ?? 'none']));
    },
  };
}
