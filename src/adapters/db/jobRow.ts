// Turns a raw row (from a query or a live notification) into a JobRow, with zod.
// Lenient where Sp00ky's tables differ (missing optional fields), strict where running
// the job depends on it (path, status).
import { z } from 'zod';
import type { JobErrorEntry, JobRow } from '../../core/interfaces.js';
import { validTraceparent } from '../../core/traceparent.js';

// SurrealDB datetimes arrive as the SDK's DateTime (with toDate()), Date, or ISO strings.
const dateLike = z.unknown().transform((value, ctx) => {
  const date =
    value instanceof Date
      ? value
      : typeof value === 'string'
        ? new Date(value)
        : typeof (value as { toDate?: unknown })?.toDate === 'function'
          ? (value as { toDate(): Date }).toDate()
          : undefined;
  if (!date || Number.isNaN(date.getTime())) {
    ctx.addIssue({ code: 'custom', message: 'expected a datetime' });
    return z.NEVER;
  }
  return date;
});

/** A datetime as the SDK delivers it (DateTime, Date or ISO string), or undefined. */
export function asDate(value: unknown): Date | undefined {
  const parsed = dateLike.safeParse(value);
  return parsed.success ? parsed.data : undefined;
}

const errorEntry = z
  .object({
    code: z.union([z.number(), z.string()]),
    reason: z.string().optional().default(''),
    attempt: z.number().optional().default(0),
    at: z.unknown().optional(),
  })
  .loose()
  .transform((e): JobErrorEntry => ({
    code: e.code as JobErrorEntry['code'],
    reason: e.reason,
    attempt: e.attempt,
    at: e.at === undefined ? '' : String(e.at instanceof Date ? e.at.toISOString() : e.at),
  }));

const rawJobRow = z
  .object({
    id: z.unknown().transform((id) => String(id)),
    path: z.string({ error: 'expected `path` to be a string like "/spookify"' }),
    payload: z.unknown().optional(),
    status: z.enum(['pending', 'processing', 'success', 'failed']),
    retries: z.number().int().nonnegative().optional().default(0),
    // max_retries, delay and timeout are checked by jobRequestProblem (config/jobLimits.ts), which
    // says what is wrong and how to fix it, with the same words as enqueue.
    max_retries: z.number().optional().default(3),
    retry_strategy: z.enum(['linear', 'exponential']).optional().default('linear'),
    delay: z.number().optional().default(0),
    timeout: z.number().nullish(),
    assigned_to: z.unknown().optional(),
    assignee: z.string().nullish(),
    errors: z.array(z.unknown()).optional().default([]),
    result: z.unknown().optional(),
    created_at: dateLike.optional(),
    updated_at: dateLike.optional(),
    run: z.number().int().positive().optional().default(1),
    kill_requested_at: dateLike.nullish(),
    idempotency_key: z.string().nullish(),
    priority: z.number().int().min(1).max(5).optional().default(3),
    queue: z.string().nullish(),
    fairness_key: z.string().nullish(),
    schedule: z.string().nullish(),
    traceparent: z.unknown().optional(),
  })
  .loose();

export type ParsedJobRow = { ok: true; row: JobRow } | { ok: false; jobId: string; reason: string };

export function parseJobRow(raw: unknown): ParsedJobRow {
  const parsed = rawJobRow.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const where = issue?.path.join('.') || 'row';
    const id = typeof raw === 'object' && raw !== null && 'id' in raw ? String((raw as { id: unknown }).id) : '?';
    return { ok: false, jobId: id, reason: `field \`${where}\`: ${issue?.message ?? 'invalid'}` };
  }
  const r = parsed.data;
  const errors = r.errors.flatMap((e) => {
    const entry = errorEntry.safeParse(e);
    return entry.success ? [entry.data] : [];
  });
  const id = r.id;
  return {
    ok: true,
    row: {
      id,
      table: id.slice(0, id.indexOf(':')),
      path: r.path,
      payload: r.payload,
      status: r.status,
      retries: r.retries,
      maxRetries: r.max_retries,
      retryStrategy: r.retry_strategy,
      delayMs: r.delay,
      timeoutSeconds: r.timeout ?? undefined,
      assignedTo: r.assigned_to === undefined || r.assigned_to === null ? undefined : String(r.assigned_to),
      assignee: r.assignee ?? undefined,
      errors,
      result: r.result,
      createdAt: r.created_at ?? new Date(),
      updatedAt: r.updated_at,
      run: r.run,
      killRequestedAt: r.kill_requested_at ?? undefined,
      idempotencyKey: r.idempotency_key ?? undefined,
      priority: r.priority,
      queue: r.queue ?? undefined,
      fairnessKey: r.fairness_key ?? undefined,
      schedule: r.schedule ?? undefined,
      ...(validTraceparent(r.traceparent) ? { traceparent: validTraceparent(r.traceparent)! } : {}),
    },
  };
}
