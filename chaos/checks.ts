// What the chaos run proves, computed from what was observed: the rows, every request the
// backend received, when kills returned, and each job's workflow outcome. Pure.
import { isDeepStrictEqual } from 'node:util';
import type { JobRow } from '../src/core/interfaces.js';
import { workflowIdFor } from '../src/core/workflowId.js';
import type { CountedRequest } from './countingBackend.js';

export type WorkflowOutcome =
  | { status: 'success'; attempts: number; result: unknown }
  | { status: 'failed'; attempts?: number }
  | { status: 'cancelled' }
  | { status: 'fenced'; rowStatus: string }
  /** No workflow: a job killed before the bridge started one. */
  | { status: 'missing' }
  | { status: 'other'; detail: string };

export interface ChaosObservation {
  rows: JobRow[];
  requests: CountedRequest[];
  /** Jobs the run killed, with the time kill() returned. */
  killedAt: Map<string, number>;
  /** Jobs whose backend always refuses (their `failed` is expected). */
  expectedFailures: Set<string>;
  /** Outcome of each job's latest enqueue, by job id. */
  outcomes: Map<string, WorkflowOutcome>;
  faults: { kind: string; at: number }[];
  /** Every slot workflow a schedule started: whether it completed, and the job it enqueued. */
  /** `status`: Temporal's status name of the slot's workflow (COMPLETED, RUNNING, FAILED, ...). */
  slots: { workflowId: string; completed: boolean; status?: string; jobId?: string }[];
}

export interface ChaosResults {
  /** Rows the run enqueued itself (the schedule's are counted apart). */
  jobs: number;
  /** Rows a schedule enqueued, one per slot; the checks above cover them too. */
  scheduled_jobs: number;
  schedule_slots: number;
  /** Slots that did not complete, named no row or shared one, plus scheduled rows no slot named. */
  slot_mismatches: number;
  faults: number;
  lost: number;
  wrongly_failed: number;
  called_after_kill: number;
  duplicate_effective_calls: number;
  mixed_keys: number;
  redeliveries: number;
  inconsistent: number;
  max_recovery_s: number;
  recovery_p50_s: number;
  /** Longest recovery per fault kind, seconds. */
  max_recovery_by_kind_s: Record<string, number>;
  examples: Record<string, string[]>;
}

export function checkChaos(o: ChaosObservation): ChaosResults {
  const examples: Record<string, string[]> = {};
  const note = (what: string, id: string) => (examples[what] ??= []).length < 5 && examples[what]!.push(id);
  const byJob = groupBy(o.requests, (r) => r.jobId);

  let lost = 0;
  let wronglyFailed = 0;
  let calledAfterKill = 0;
  let duplicates = 0;
  let mixedKeys = 0;
  let redeliveries = 0;
  let inconsistent = 0;
  for (const row of o.rows) {
    const requests = byJob.get(row.id) ?? [];
    if (row.status !== 'success' && row.status !== 'failed') {
      lost++;
      note('lost', row.id);
    }
    if (row.status === 'failed' && !o.killedAt.has(row.id) && !o.expectedFailures.has(row.id)) {
      wronglyFailed++;
      note('wrongly_failed', `${row.id}: ${JSON.stringify(row.errors.at(-1))}`);
    }
    const killedAt = o.killedAt.get(row.id);
    if (killedAt !== undefined) {
      const late = requests.filter((r) => r.receivedAt > killedAt).length;
      calledAfterKill += late;
      if (late) note('called_after_kill', row.id);
    }
    // One key per enqueue: run n of a job sends workflowIdFor(id, n), on every attempt.
    const allowed = new Set(Array.from({ length: row.run }, (_, i) => workflowIdFor(row.id, i + 1)));
    if (requests.some((r) => !allowed.has(r.key))) {
      mixedKeys++;
      note('mixed_keys', row.id);
    }
    const answered2xx = groupBy(
      requests.filter((r) => r.status !== undefined && r.status < 300),
      (r) => r.key,
    );
    for (const [, calls] of answered2xx) redeliveries += calls.length - 1;
    // Effective calls: distinct keys answered 2xx. Each successful enqueue needs exactly one.
    const extra = answered2xx.size - expectedEffectiveCalls(row, o);
    if (extra > 0) {
      duplicates += extra;
      note('duplicate_effective_calls', row.id);
    }
    if (!consistent(row, o.outcomes.get(row.id))) {
      inconsistent++;
      note('inconsistent', `${row.id}: row ${row.status}/${row.retries} vs ${JSON.stringify(o.outcomes.get(row.id))}`);
    }
  }

  const successTimes = o.rows
    .filter((row) => row.status === 'success' && row.updatedAt)
    .map((row) => row.updatedAt!.getTime())
    .sort((a, b) => a - b);
  const recoveries: number[] = [];
  const byKind: Record<string, number> = {};
  for (const fault of o.faults) {
    const next = successTimes.find((t) => t > fault.at);
    if (next === undefined) continue;
    const seconds = (next - fault.at) / 1000;
    recoveries.push(seconds);
    byKind[fault.kind] = Math.max(byKind[fault.kind] ?? 0, Math.round(seconds * 10) / 10);
  }
  recoveries.sort((a, b) => a - b);

  const scheduledRows = new Set(o.rows.filter((row) => row.schedule !== undefined).map((row) => row.id));
  const named = new Map<string, number>();
  let slotMismatches = 0;
  for (const slot of o.slots) {
    if (!slot.completed || !slot.jobId || !scheduledRows.has(slot.jobId)) {
      slotMismatches++;
      note('slot_mismatches', `${slot.workflowId}: ${slot.completed ? `job ${slot.jobId ?? '?'} has no row` : `did not complete (${slot.status ?? 'status unknown'})`}`);
    }
    if (slot.jobId) named.set(slot.jobId, (named.get(slot.jobId) ?? 0) + 1);
  }
  for (const id of scheduledRows) {
    const slots = named.get(id) ?? 0;
    if (slots !== 1) {
      slotMismatches++;
      note('slot_mismatches', `${id}: named by ${slots} slots`);
    }
  }

  return {
    jobs: o.rows.length - scheduledRows.size,
    scheduled_jobs: scheduledRows.size,
    schedule_slots: o.slots.length,
    slot_mismatches: slotMismatches,
    faults: o.faults.length,
    lost,
    wrongly_failed: wronglyFailed,
    called_after_kill: calledAfterKill,
    duplicate_effective_calls: duplicates,
    mixed_keys: mixedKeys,
    redeliveries,
    inconsistent,
    max_recovery_s: Math.round((recoveries.at(-1) ?? 0) * 10) / 10,
    recovery_p50_s: Math.round((recoveries[Math.floor((recoveries.length - 1) / 2)] ?? 0) * 10) / 10,
    max_recovery_by_kind_s: byKind,
    examples,
  };
}

/** A job retried after it finished had two enqueues; each that succeeded called once. */
function expectedEffectiveCalls(row: JobRow, o: ChaosObservation): number {
  if (o.expectedFailures.has(row.id)) return 0;
  if (o.killedAt.has(row.id)) return 1; // a kill can come after the call already succeeded
  return row.run; // every enqueue of a job that is not killed or failing succeeds
}

/** The row's retries, errors and result agree with its latest workflow's outcome. */
function consistent(row: JobRow, outcome: WorkflowOutcome | undefined): boolean {
  if (!outcome) return false;
  const last = row.errors.at(-1);
  switch (row.status) {
    case 'success':
      return outcome.status === 'success' && outcome.attempts === row.retries + 1 && isDeepStrictEqual(outcome.result, row.result);
    case 'failed':
      if (last && (last.code === 'killed' || last.code === 'cancelled')) {
        return outcome.status === 'cancelled' || outcome.status === 'fenced' || (outcome.status === 'missing' && row.retries === 0);
      }
      return outcome.status === 'failed' && last?.attempt === row.retries + 1 && (outcome.attempts ?? row.retries + 1) === row.retries + 1;
    default:
      return false;
  }
}

function groupBy<T>(items: T[], keyOf: (item: T) => string): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const item of items) {
    const key = keyOf(item);
    const group = groups.get(key);
    if (group) group.push(item);
    else groups.set(key, [item]);
  }
  return groups;
}
