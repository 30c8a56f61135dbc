// The jobs API with compile-time checks from `spooky-temporal types`: the backend, the POST
// path and the payload must be what the backend's OpenAPI spec declares.
import type { JobsClient } from './jobsClient.js';
import type { EnqueueOptions } from '../../core/enqueueOptions.js';
import type { JobHandle } from './jobHandle.js';
import type { JobBuilder } from './jobBuilder.js';

/** The shape of the generated `SpookyJobPayloads` (an interface): backend → path → body. */
export type JobPayloadMap<P> = { [B in keyof P]: object };

export interface TypedJobs<P extends JobPayloadMap<P>> {
  run<B extends keyof P & string, Path extends keyof P[B] & string>(backend: B, path: Path, payload: P[B][Path], options?: EnqueueOptions): Promise<JobHandle>;
  enqueue<B extends keyof P & string, Path extends keyof P[B] & string>(backend: B, path: Path, payload: P[B][Path], options?: EnqueueOptions): Promise<string>;
  background<B extends keyof P & string, Path extends keyof P[B] & string>(backend: B, path: Path, payload: P[B][Path]): JobBuilder;
  bg<B extends keyof P & string, Path extends keyof P[B] & string>(backend: B, path: Path, payload: P[B][Path]): Promise<JobHandle>;
  /** The untyped client, for everything else (get, list, kill, retry, handle, ...). */
  readonly untyped: JobsClient;
}

/** `typedJobs<SpookyJobPayloads>(runner.jobs)`: the same client, typed by the generated map. */
export function typedJobs<P extends JobPayloadMap<P>>(jobs: JobsClient): TypedJobs<P> {
  return {
    run: (backend, path, payload, options) => jobs.run(backend, path, payload, options),
    enqueue: (backend, path, payload, options) => jobs.enqueue(backend, path, payload, options),
    background: (backend, path, payload) => jobs.background(backend, path, payload),
    bg: (backend, path, payload) => jobs.bg(backend, path, payload),
    untyped: jobs,
  };
}
