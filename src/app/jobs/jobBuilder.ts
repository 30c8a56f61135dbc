// The fluent builder of `jobs.background(backend, path, payload)`: collects options, checks each
// at once (a bad value throws where it is written, saying what is accepted), enqueues on
// `.enqueue()`. Limits of the backend (payload size, delay, timeout) are checked at `.enqueue()`,
// which rejects with InvalidJobError as `enqueue` does.
import { parseDuration } from '../../core/duration.js';
import { idempotencyKeyProblem } from '../../core/jobLimits.js';
import type { RetryStrategy } from '../../core/interfaces.js';
import { checkFairnessKey, checkQueueName, priorityLevel, type EnqueueOptions, type Priority } from '../../core/enqueueOptions.js';
import type { JobHandle } from './jobHandle.js';

/** Milliseconds from a number of ms or a duration such as `30s`, `5m`, `1h30m`; never negative. */
function durationMs(value: number | string, what: string): number {
  if (typeof value === 'number') {
    if (!Number.isFinite(value) || value < 0) throw new RangeError(`${what} must be 0 or more milliseconds, got ${value}`);
    return Math.round(value);
  }
  try {
    return parseDuration(value);
  } catch (error) {
    throw new RangeError(`${what}: ${(error as Error).message}`, { cause: error });
  }
}

export class JobBuilder {
  readonly #options: EnqueueOptions = {};
  #runAt: Date | undefined;

  constructor(private readonly enqueueWith: (options: EnqueueOptions) => Promise<JobHandle>) {}

  /** Wait before the first attempt: ms, a duration (`30s`, `5m`, `1h30m`), or a Date (as `.at`). */
  delay(delay: number | string | Date): this {
    if (delay instanceof Date) return this.at(delay);
    this.#options.delay = durationMs(delay, 'delay');
    this.#runAt = undefined;
    return this;
  }

  /** Run at this time; a time in the past runs at once. */
  at(when: Date): this {
    if (!(when instanceof Date) || Number.isNaN(when.getTime())) throw new RangeError(`at() expects a valid Date, got ${String(when)}`);
    this.#runAt = when;
    return this;
  }

  priority(priority: Priority): this {
    priorityLevel(priority); // throws now, where the bad value is written
    this.#options.priority = priority;
    return this;
  }

  /** Retries after the first attempt (the row's max_retries). */
  retries(retries: number): this {
    if (!Number.isInteger(retries) || retries < 0) throw new RangeError(`retries must be a whole number of 0 or more, got ${retries}`);
    this.#options.maxRetries = retries;
    return this;
  }

  strategy(strategy: RetryStrategy): this {
    if (strategy !== 'linear' && strategy !== 'exponential') {
      throw new RangeError(`unknown retry strategy ${JSON.stringify(strategy)}: expected linear or exponential`);
    }
    this.#options.retryStrategy = strategy;
    return this;
  }

  /** HTTP timeout of each attempt: ms, or a duration (`30s`); whole seconds on the row, at least 1. */
  timeout(timeout: number | string): this {
    const ms = durationMs(timeout, 'timeout');
    if (ms === 0) throw new RangeError('timeout must be more than 0');
    this.#options.timeout = Math.max(1, Math.ceil(ms / 1000));
    return this;
  }

  queue(name: string): this {
    checkQueueName(name);
    this.#options.queue = name;
    return this;
  }

  /** The record the job belongs to, e.g. `thread:abc` (Sp00ky's assignedTo). */
  assignedTo(recordId: string): this {
    this.#options.assignedTo = recordId;
    return this;
  }

  /** The tenant this job shares the workers with fairly (default: assignedTo). */
  fairnessKey(key: string): this {
    checkFairnessKey(key);
    this.#options.fairnessKey = key;
    return this;
  }

  idempotencyKey(key: string): this {
    const problem = idempotencyKeyProblem(key);
    if (problem) throw new RangeError(problem.reason);
    this.#options.idempotencyKey = key;
    return this;
  }

  enqueue(): Promise<JobHandle> {
    const options = { ...this.#options };
    if (this.#runAt) options.delay = Math.max(0, this.#runAt.getTime() - Date.now());
    return this.enqueueWith(options);
  }
}
