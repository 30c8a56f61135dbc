// What a chaos run is asked to do (ChaosOptions), what it reports (ChaosReport), and the names of
// the faults it injects.
import type { ChaosResults } from './checks.js';

export interface ChaosOptions {
  /** `dev` (default): dev server and embedded engine; `stack`: the production stack (npm run stack's servers). */
  environment?: 'dev' | 'stack';
  jobs: number;
  faults: number;
  seed: number;
  /** Longest delay of a delayed job, ms (the issue asks for 1–20 s). */
  maxDelayMs: number;
  /** How long enqueueing is spread over, ms. */
  enqueueOverMs: number;
  /** Give up waiting for the rows to end after this long, ms. */
  settleTimeoutMs: number;
  /**
   * The whole run's hard deadline, ms. When it passes, the run prints what was still open (rows,
   * task queues' pollers and backlog, each process's last output), stops what it started and fails.
   */
  deadlineMs: number;
  /** How long the `surreal-stall` / `network-stall` fault keeps SurrealDB from answering, ms (default 20 s). */
  surrealStallMs?: number;
  /** Deadline of each SurrealDB call in the runner processes (`start --db-timeout`), ms; default theirs (10 s). */
  dbTimeoutMs?: number;
  log: (line: string) => void;
}

export interface ChaosReport extends ChaosResults {
  duration_s: number;
  kinds: Record<string, number>;
  fault_kinds: Record<string, number>;
}

/** Faults of the runner processes, the same in every environment; each environment adds its servers' faults. */
export const RUNNER_FAULT_KINDS = ['kill-worker', 'kill-bridge', 'kill-bridge-and-worker', 'kill-worker-after-claim', 'kill-worker-during-call', 'two-bridges'] as const;
/** Every fault of a run on the dev environment (its servers add restart-temporal and the two SurrealDB faults). */
export const DEV_FAULT_KINDS = [...RUNNER_FAULT_KINDS, 'restart-temporal', 'surreal-stall', 'surreal-drop-connections'] as const;
