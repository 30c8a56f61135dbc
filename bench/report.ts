// The bench's output: the table on stdout, the results as JSON and the latency distributions as
// SVG (bench/results.json and latency.svg; results-stack.json and latency-stack.svg on the stack).
import { writeFileSync } from 'node:fs';
import type { BenchMeasures, BenchResults } from './results.js';
import { latencySvg } from './stats.js';

export function printTable(results: BenchResults, environmentName: 'dev' | 'stack'): void {
  const r = results;
  const events = r.events_per_job;
  const table: [string, string, string][] = [
    ['throughput, burst (1 process)', `${r.throughput_jobs_per_s} jobs/s; floor ${r.floor_workflows_per_s} workflows/s; ratio ${r.throughput_ratio}`, 'ratio ≥ 0.9'],
    ['runner CPU', `${r.cpu_s_per_1000_jobs} s per 1,000 jobs`, ''],
    ['tracing on (OTLP)', `${r.traced_jobs_per_s} jobs/s (${r.tracing_throughput_ratio} of untraced), ${r.traced_cpu_s_per_1000_jobs} CPU s per 1,000; ${r.traced_spans_per_job} spans per job`, ''],
    ['two runner processes', `${r.two_runners_jobs_per_s} jobs/s, ${r.two_runners_cpu_s_per_1000_jobs} CPU s per 1,000; jobs run twice: ${r.jobs_run_twice}`, '0 run twice'],
    ['pickup (10 jobs/s)', `p50 ${r.pickup_p50_ms} ms, p95 ${r.pickup_p95_ms}, p99 ${r.pickup_p99_ms}, max ${r.pickup_max_ms}`, 'p50 ≤ 10, p99 ≤ 50'],
    ['end to end (one at a time)', `p50 ${r.e2e_p50_ms} ms, p95 ${r.e2e_p95_ms}, p99 ${r.e2e_p99_ms}; floor p50 ${r.floor_e2e_p50_ms}; overhead ${r.latency_overhead_ms} ms`, 'overhead ≤ 15'],
    ['kill of a call in flight', `aborted at the backend p50 ${r.kill_to_abort_p50_ms} ms, max ${r.kill_to_abort_max_ms}; kill() returned p50 ${r.kill_returns_p50_ms} ms, max ${r.kill_returns_max_ms}`, 'about 1 s'],
    ['delay lateness', `p50 ${r.delay_lateness_p50_ms} ms, p99 ${r.delay_lateness_p99_ms} (p50: timer fired +${r.delay_lateness_p50_breakdown_ms.first_workflow_task}, activity scheduled +${r.delay_lateness_p50_breakdown_ms.activity_scheduled})`, 'p99 ≤ 100'],
    ['backoff lateness', `p50 ${r.backoff_lateness_p50_ms} ms, p99 ${r.backoff_lateness_p99_ms}`, 'p99 ≤ 100'],
    ['floor timer lateness', `p50 ${r.floor_timer_lateness_p50_ms} ms, p99 ${r.floor_timer_lateness_p99_ms} (bare workflows, same delays, same moments)`, ''],
    ['history events per job', `${events.first_attempt_success} (attempt 1), ${events.third_attempt_success} (attempt 3), ${events.delayed_first_attempt_success} (delayed, attempt 1)`, '≤ 20 (attempt 1)'],
    [`${r.waiting_jobs} jobs waiting 1 h`, `catch-up ${r.catchup_rows_per_s} rows/s (floor: ${r.floor_starts_per_s} starts/s, runner ${r.catchup_cpu_s_per_1000_rows} CPU s per 1,000 rows); RSS ${r.rss_mb} MB; idle CPU ${r.idle_cpu_percent_of_core}% of a core`, '≥ 2,000 rows/s, < 250 MB, < 1%'],
  ];
  console.log(`spooky-temporal bench (${environmentName === 'stack' ? 'production stack: Temporal on PostgreSQL with mTLS, SurrealDB server' : 'dev server, embedded SurrealDB'}), ${r.at}, ${r.machine.cores} cores, ${r.machine.cpu}, node ${process.version}`);
  for (const [k, v, target] of table) console.log(`${k.padEnd(30)} ${v}${target ? `   [target ${target}]` : ''}`);
}

export function writeResultFiles(results: BenchResults, measures: BenchMeasures, environmentName: 'dev' | 'stack'): void {
  const stack = environmentName === 'stack';
  writeFileSync(new URL(stack ? './results-stack.json' : './results.json', import.meta.url), `${JSON.stringify({ environment: environmentName, ...results }, null, 2)}\n`);
  writeFileSync(
    new URL(stack ? './latency-stack.svg' : './latency.svg', import.meta.url),
    latencySvg(
      {
        'pickup (10/s)': measures.pickup,
        'end to end': measures.e2e,
        'Temporal floor, one at a time': measures.floor.oneAtATime,
        'timer lateness': measures.timers.lateness.map((v) => Math.max(v, 1)),
        'floor timer lateness': measures.timers.floorTimerLateness.map((v) => Math.max(v, 1)),
      },
      `spooky-temporal latency, ${results.at.slice(0, 10)}, ${results.machine.cores} cores`,
    ),
  );
}
