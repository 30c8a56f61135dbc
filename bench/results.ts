// The bench's results, from its measurements: the figures of bench/results.json, rounded, with
// the machine and the versions they were measured on.
import { readFileSync } from 'node:fs';
import os from 'node:os';
import type { BurstResult } from './processThroughput.js';
import { percentile, round } from './stats.js';
import type { TimerMeasures } from './timerAccuracy.js';
import type { WaitingCost } from './waitingCost.js';

export interface BenchMeasures {
  burst: number;
  waiting: number;
  /** Bursts through one runner process, then two. */
  one: BurstResult;
  /** The same burst through one process with tracing on; spans the sink received. */
  traced: BurstResult & { spans: number };
  two: BurstResult;
  floor: { oneAtATime: number[]; perSecond: number };
  floorStartsPerSecond: number;
  pickup: number[];
  e2e: number[];
  killToAbort: number[];
  killReturns: number[];
  timers: TimerMeasures;
  /** History events of a job that succeeded on attempt 1, on attempt 3, and after a delay. */
  events: { first: number; third: number; delayed: number };
  waitingCost: WaitingCost;
}

export type BenchResults = ReturnType<typeof benchResults>;

export function benchResults(m: BenchMeasures) {
  const { one, two, floor, pickup, e2e, killToAbort, killReturns, timers, waitingCost } = m;
  const floorP50 = percentile(floor.oneAtATime, 50);
  const runTwice = two.effectiveCallsPerKey.filter((n) => n > 1).length + one.effectiveCallsPerKey.filter((n) => n > 1).length;
  return {
    at: new Date().toISOString(),
    machine: { cores: os.cpus().length, cpu: os.cpus()[0]?.model, memory_gib: round(os.totalmem() / 2 ** 30), node: process.version },
    versions: versions(),
    burst_jobs: m.burst,
    throughput_jobs_per_s: round(one.perSecond),
    floor_workflows_per_s: round(floor.perSecond),
    throughput_ratio: round(one.perSecond / floor.perSecond, 2),
    cpu_s_per_1000_jobs: round(one.cpuSecondsPer1000, 2),
    traced_jobs_per_s: round(m.traced.perSecond),
    traced_cpu_s_per_1000_jobs: round(m.traced.cpuSecondsPer1000, 2),
    tracing_throughput_ratio: round(m.traced.perSecond / one.perSecond, 2),
    traced_spans_per_job: round(m.traced.spans / m.burst, 1),
    two_runners_jobs_per_s: round(two.perSecond),
    two_runners_cpu_s_per_1000_jobs: round(two.cpuSecondsPer1000, 2),
    jobs_run_twice: runTwice,
    pickup_p50_ms: round(percentile(pickup, 50)),
    pickup_p95_ms: round(percentile(pickup, 95)),
    pickup_p99_ms: round(percentile(pickup, 99)),
    pickup_max_ms: round(Math.max(...pickup)),
    e2e_p50_ms: round(percentile(e2e, 50)),
    e2e_p95_ms: round(percentile(e2e, 95)),
    e2e_p99_ms: round(percentile(e2e, 99)),
    floor_e2e_p50_ms: round(floorP50),
    latency_overhead_ms: round(percentile(e2e, 50) - floorP50),
    kill_to_abort_p50_ms: round(percentile(killToAbort, 50)),
    kill_to_abort_max_ms: round(Math.max(...killToAbort)),
    kill_returns_p50_ms: round(percentile(killReturns, 50)),
    kill_returns_max_ms: round(Math.max(...killReturns)),
    delay_lateness_p50_ms: round(percentile(timers.delayLateness, 50)),
    delay_lateness_p99_ms: round(percentile(timers.delayLateness, 99)),
    backoff_lateness_p50_ms: round(percentile(timers.backoffLateness, 50)),
    backoff_lateness_p99_ms: round(percentile(timers.backoffLateness, 99)),
    delay_lateness_p50_breakdown_ms: {
      first_workflow_task: round(percentile(timers.delayBreakdown.map((d) => d.workflowTask), 50)),
      activity_scheduled: round(percentile(timers.delayBreakdown.map((d) => d.activityScheduled), 50)),
      request_received: round(percentile(timers.delayBreakdown.map((d) => d.request), 50)),
    },
    floor_timer_lateness_p50_ms: round(percentile(timers.floorTimerLateness, 50)),
    floor_timer_lateness_p99_ms: round(percentile(timers.floorTimerLateness, 99)),
    timer_lateness_p50_ms: round(percentile(timers.lateness, 50)),
    timer_lateness_p99_ms: round(percentile(timers.lateness, 99)),
    events_per_job: { first_attempt_success: m.events.first, third_attempt_success: m.events.third, delayed_first_attempt_success: m.events.delayed },
    waiting_jobs: m.waiting,
    catchup_rows_per_s: round(waitingCost.catchUpPerSecond),
    floor_starts_per_s: round(m.floorStartsPerSecond),
    catchup_cpu_s_per_1000_rows: round(waitingCost.catchUpCpuPer1000, 2),
    rss_mb: round(waitingCost.rssMb),
    idle_cpu_percent_of_core: round(waitingCost.idleCpuPercent, 2),
  };
}

function versions(): Record<string, string> {
  const pkg = (name: string) => JSON.parse(readFileSync(new URL(`../node_modules/${name}/package.json`, import.meta.url), 'utf8')).version as string;
  return { temporalio_sdk: pkg('@temporalio/worker'), surrealdb_sdk: pkg('surrealdb'), surrealdb_engine: pkg('@surrealdb/node') };
}
