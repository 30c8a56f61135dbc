// All I/O of a job: the HTTP call and the row writes. Built once per worker from its config;
// the workflow sees only the type `JobActivities`.
import type { Surreal } from 'surrealdb';
import type { BackendConfig } from '../interfaces.js';
import type { TableShapes } from '../db/tableShape.js';
import type { JobEvents } from '../runner/jobEvents.js';
import { callBackend, type CallBackendInput, type CallBackendOutcome } from './callBackend.js';
import { createMirrorActivities } from './mirrorJobState.js';

export interface ActivityDeps {
  db: () => Surreal;
  shapes: TableShapes;
  /** Written to `assignee` on claim: which worker runs the attempt. */
  identity: string;
  backends: ReadonlyMap<string, BackendConfig>;
  /** Throws when a path is not declared by the backend's OpenAPI spec. */
  assertDeclaredPath: (backend: string, path: string) => void;
  events: JobEvents;
}

export function createActivities(deps: ActivityDeps) {
  return {
    ...createMirrorActivities(deps),
    async callBackend(input: CallBackendInput): Promise<CallBackendOutcome> {
      const backend = deps.backends.get(input.backend);
      if (!backend) {
        return {
          ok: false,
          code: 'invalid',
          reason: `backend ${input.backend} is not configured on this worker: add it to sp00ky.yml or SPKY_JOB_CONFIG`,
          retryable: false,
        };
      }
      return callBackend(backend, (path) => deps.assertDeclaredPath(backend.name, path), input);
    },
  };
}

export type JobActivities = ReturnType<typeof createActivities>;
export type { CallBackendInput, CallBackendOutcome };
