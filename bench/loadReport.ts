// The load check's verdict, table and results file (bench/results-load.json).
import { writeFileSync } from 'node:fs';
import os from 'node:os';
import type { DrainResult } from './loadDrain.js';
import type { QueuedResult } from './loadQueued.js';
import { thinned } from './rssSampler.js';
import { round } from './stats.js';

/** What the load check holds the runner to; each failure is one line. */
export function loadFailures(drain: DrainResult | undefined, queued: readonly QueuedResult[], concurrency: number): string[] {
  const failures: string[] = [];
  const inFlight = [
    ...(drain ? [['drain', drain.maxInFlightPerWorker] as const, ['drain (per assignee)', drain.maxInFlightPerAssignee] as const] : []),
    ...queued.map((q) => [`${q.queued} queued, ${q.mode}`, q.maxInFlightPerWorker] as const),
  ];
  for (const [what, perWorker] of inFlight) {
    for (const [worker, max] of Object.entries(perWorker)) {
      if (max > concurrency) failures.push(`${what}: ${max} calls in flight at once on worker ${worker}; the limit is ${concurrency}`);
    }
  }
  if (drain) {
    if (drain.rows['success'] !== drain.jobs) failures.push(`drain: ${drain.rows['success']} of ${drain.jobs} rows success (${JSON.stringify(drain.rows)})`);
    if (drain.jobsCalled !== drain.jobs) failures.push(`drain: ${drain.jobsCalled} jobs called, expected ${drain.jobs}`);
    if (drain.jobsCalledMoreThanOnce > 0) failures.push(`drain: ${drain.jobsCalledMoreThanOnce} jobs called more than once`);
  }
  return failures;
}

export function printLoadTable(drain: DrainResult | undefined, queued: readonly QueuedResult[]): void {
  const table: [string, string][] = [];
  if (drain) {
    const d = drain;
    table.push(
      [`${d.jobs} jobs, concurrency 2`, `max in flight per worker ${fmt(d.maxInFlightPerWorker)} (from the intervals, per assignee: ${fmt(d.maxInFlightPerAssignee)}); all workers ${d.maxInFlightTotal}`],
      ['  drain', `${round(d.drainSeconds)} s from the first row written (rows written in ${round(d.writeSeconds)} s); ${round(d.jobsPerSecond)} jobs/s`],
      ['  runner RSS', `idle ${d.rssIdleMb} MB, max ${d.rssMaxMb} MB, at the end ${d.rssEndMb} MB`],
      ['  rows at the end', `${fmt(d.rows)}; ${d.calls} calls for ${d.jobsCalled} jobs, ${d.jobsCalledMoreThanOnce} called twice, ${d.abortedCalls} aborted`],
    );
  }
  for (const q of queued) {
    table.push(
      [`${q.queued} queued (${q.mode})`, `rows written in ${round(q.writeSeconds)} s, then watched ${round(q.watchedSeconds / 60)} min`],
      ['  runner RSS', `${q.rssIdleMb !== undefined ? `idle before the rows ${q.rssIdleMb} MB, ` : ''}max ${q.rssMaxMb} MB, at the end ${q.rssEndMb} MB; max in the last minute ${q.rssMaxLastMinuteMb} MB, in the minute before ${q.rssMaxMinuteBeforeMb} MB`],
      ['  picked up', `${q.workflowsStarted} workflows started, ${q.succeeded} jobs succeeded; max in flight per worker ${fmt(q.maxInFlightPerWorker)}`],
    );
  }
  console.log(`spooky-temporal load check (dev server, embedded SurrealDB on disk), ${new Date().toISOString()}, ${os.cpus().length} cores, node ${process.version}`);
  for (const [k, v] of table) console.log(`${k.padEnd(32)} ${v}`);
}

export function writeLoadResults(drain: DrainResult | undefined, queued: readonly QueuedResult[], failures: readonly string[]): void {
  const results = {
    at: new Date().toISOString(),
    machine: { cores: os.cpus().length, cpu: os.cpus()[0]?.model, memory_gib: round(os.totalmem() / 2 ** 30), node: process.version, shared: true },
    concurrency: 2,
    ok: failures.length === 0,
    failures,
    drain: drain && { ...drain, drainSeconds: round(drain.drainSeconds), writeSeconds: round(drain.writeSeconds), jobsPerSecond: round(drain.jobsPerSecond), rss: thinned(drain.rss) },
    queued: queued.map((q) => ({ ...q, writeSeconds: round(q.writeSeconds), watchedSeconds: round(q.watchedSeconds), rss: thinned(q.rss) })),
  };
  writeFileSync(new URL('./results-load.json', import.meta.url), `${JSON.stringify(results, null, 2)}\n`);
}

function fmt(record: Record<string, number>): string {
  return Object.entries(record).map(([k, v]) => `${k} ${v}`).join(', ') || 'none';
}
