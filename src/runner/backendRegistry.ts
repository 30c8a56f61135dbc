// The configured backends, indexed by name and by outbox table, with their OpenAPI specs.
import type { BackendConfig, RunnerConfig } from '../interfaces.js';
import type { BackendSpec, PayloadCheck } from '../config/openapi.js';
import { loadOpenApiSpec } from '../config/openapi.js';
import { UnsafePathError } from '../errors.js';
import { unsafePathReason } from '../activities/resolveBackendUrl.js';

/** Test hooks that change what every job's workflow input says; unset in production. */
export interface WorkflowInputHooks {
  /** Jobs' workflows continue as new at this many history events instead of the default 2,000. */
  continueAsNewAtEvents?: number;
}

export class BackendRegistry {
  private constructor(
    private readonly byName: ReadonlyMap<string, BackendConfig>,
    private readonly byTableMap: ReadonlyMap<string, BackendConfig>,
    private readonly specs: ReadonlyMap<string, BackendSpec>,
    /** Read by buildWorkflowInput, which every start (bridge, retry, schedule slot) goes through. */
    readonly workflowInputHooks: WorkflowInputHooks,
  ) {}

  static async load(config: RunnerConfig, workflowInputHooks: WorkflowInputHooks = {}): Promise<BackendRegistry> {
    const specs = new Map<string, BackendSpec>();
    for (const backend of config.backends) {
      if (backend.specPath) specs.set(backend.name, await loadOpenApiSpec(backend.specPath));
    }
    return new BackendRegistry(
      new Map(config.backends.map((b) => [b.name, b])),
      new Map(config.backends.map((b) => [b.table, b])),
      specs,
      workflowInputHooks,
    );
  }

  get backends(): ReadonlyMap<string, BackendConfig> {
    return this.byName;
  }

  get tables(): string[] {
    return [...this.byTableMap.keys()];
  }

  byTable(table: string): BackendConfig | undefined {
    return this.byTableMap.get(table);
  }

  byBackendName(name: string): BackendConfig | undefined {
    return this.byName.get(name);
  }

  /** The path must be safe and, when the backend has a spec, declared there as a POST operation. */
  assertDeclaredPath(backendName: string, path: string): void {
    const unsafe = unsafePathReason(path);
    if (unsafe) throw new UnsafePathError(`path ${JSON.stringify(path.slice(0, 200))} is refused: ${unsafe}`);
    const spec = this.specs.get(backendName);
    if (spec && !spec.matchPath(path)) {
      throw new UnsafePathError(
        `path ${JSON.stringify(path.slice(0, 200))} is not a POST operation of backend ${backendName}'s OpenAPI spec ` +
          `(declared: ${spec.postPaths.join(', ') || 'none'}); add it to ${spec.specPath} or fix the job's path`,
      );
    }
  }

  validatePayload(backendName: string, path: string, payload: unknown): PayloadCheck {
    const spec = this.specs.get(backendName);
    const match = spec?.matchPath(path);
    if (!spec || !match) return { ok: true };
    return spec.validatePayload(match.template, payload);
  }
}
