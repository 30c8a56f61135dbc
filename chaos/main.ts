// `npm run chaos [-- --jobs 1000 --faults 24 --seed 7] [--stack]`: the full chaos run. Prints a table
// and writes chaos/results.json (results-stack.json with --stack: on the production stack, whose
// servers it builds once and starts itself). Exits 1 when any of the zero counts is not zero.
import { writeFileSync } from 'node:fs';
import os from 'node:os';
import { parseArgs } from 'node:util';
import { runChaos } from './runChaos.js';

const { values } = parseArgs({
  options: {
    jobs: { type: 'string', default: '1000' },
    faults: { type: 'string', default: '24' },
    seed: { type: 'string', default: String(Date.now() % 100_000) },
    'max-delay': { type: 'string', default: '20000' },
    'enqueue-over': { type: 'string', default: '60000' },
    stack: { type: 'boolean', default: false },
  },
});

const report = await runChaos({
  environment: values.stack ? 'stack' : 'dev',
  jobs: Number(values.jobs),
  faults: Number(values.faults),
  seed: Number(values.seed),
  maxDelayMs: Number(values['max-delay']),
  enqueueOverMs: Number(values['enqueue-over']),
  settleTimeoutMs: 300_000,
  // Enqueueing, the faults and settling take about 8 minutes at most; past 20 the run is stuck.
  deadlineMs: 20 * 60_000,
  surrealStallMs: 20_000,
  log: (line) => console.log(`[${new Date().toISOString().slice(11, 19)}] ${line}`),
});

const zeros = ['lost', 'wrongly_failed', 'called_after_kill', 'duplicate_effective_calls', 'mixed_keys', 'inconsistent', 'slot_mismatches'] as const;
const rows: [string, string | number][] = [
  ['jobs', report.jobs],
  ['scheduled jobs (one per slot)', `${report.scheduled_jobs} from ${report.schedule_slots} slots`],
  ['faults injected', `${report.faults} (${Object.entries(report.fault_kinds).map(([k, n]) => `${k} ${n}`).join(', ')})`],
  ...zeros.map((key) => [key.replaceAll('_', ' '), report[key]] as [string, number]),
  ['redeliveries (same key, at-least-once)', report.redeliveries],
  ['recovery, fault → next success', `p50 ${report.recovery_p50_s} s, max ${report.max_recovery_s} s`],
  ...Object.entries(report.max_recovery_by_kind_s).map(([kind, s]) => [`  max after ${kind}`, `${s} s`] as [string, string]),
  ['duration', `${report.duration_s} s`],
];
const width = Math.max(...rows.map(([k]) => k.length));
for (const [key, value] of rows) console.log(`${key.padEnd(width)}  ${value}`);
for (const [what, ids] of Object.entries(report.examples)) console.log(`examples of ${what}: ${ids.join('; ')}`);

writeFileSync(
  new URL(values.stack ? './results-stack.json' : './results.json', import.meta.url),
  `${JSON.stringify({ ...report, environment: values.stack ? 'stack' : 'dev', seed: Number(values.seed), machine: { cores: os.cpus().length, node: process.version }, at: new Date().toISOString() }, null, 2)}\n`,
);
const failed = zeros.filter((key) => report[key] !== 0);
if (failed.length) console.log(`NOT ZERO: ${failed.join(', ')}`);
process.exit(failed.length ? 1 : 0);
