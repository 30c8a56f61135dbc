// Retention, dry run: how many terminal rows finished before the cutoff (what a real run deletes).
import type { Surreal } from 'surrealdb';
import { escapeIdent, type TableShape } from '../db/tableShape.js';
import { expiredCondition } from './expiredCondition.js';

export async function countExpiredJobs(
  db: Surreal,
  shape: Pick<TableShape, 'table' | 'has'>,
  args: { cutoff: Date | undefined },
): Promise<number> {
  const { where, vars } = expiredCondition(shape, args.cutoff);
  const [rows] = await db.query<[{ n: number }[]]>(
    `SELECT count() AS n FROM ${escapeIdent(shape.table)} WHERE ${where} GROUP ALL`,
    vars,
  );
  return Number(rows?.[0]?.n ?? 0);
}
