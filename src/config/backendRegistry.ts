// The configured backends, indexed by name and by outbox table, with their OpenAPI specs.
import type { BackendConfig, RunnerConfig } from '../core/interfaces.js';
import type { BackendSpec, PayloadCheck } from './openapi.js';
import { loadOpenApiSpec } from './openapi.js';
import { UnsafePathError } from '../core/errors.js';
import { unsafePathReason } from '../core/resolveBackendUrl.js';
import { allowedPathMatcher } from '../core/pathTemplate.js';
import { OTHER_PATH_LABEL } from '../core/metricLabels.js';

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
    private readonly allowed: ReadonlyMap<string, (path: string) => boolean>,
  ) {}

  static async load(config: RunnerConfig, workflowInputHooks: WorkflowInputHooks = {}): Promise<BackendRegistry> {
    const specs = new Map<string, BackendSpec>();
    const allowed = new Map<string, (path: string) => boolean>();
    for (const backend of config.backends) {
      if (backend.specPath) specs.set(backend.name, await loadOpenApiSpec(backend.specPath));
      if (backend.allowedPaths) allowed.set(backend.name, allowedPathMatcher(backend.allowedPaths));
    }
    return new BackendRegistry(
      new Map(config.backends.map((b) => [b.name, b])),
      new Map(config.backends.map((b) => [b.table, b])),
      specs,
      workflowInputHooks,
      allowed,
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

  /**
   * The path must be safe, declared as a POST operation when the backend has a spec, and
   * within `allowedPaths` when it has those. A backend with neither must allow any path explicitly.
   */
  assertDeclaredPath(backendName: string, path: string): void {
    const quoted = JSON.stringify(String(path).slice(0, 200));
    const unsafe = unsafePathReason(path);
    if (unsafe) throw new UnsafePathError(`path ${quoted} is refused: ${unsafe}`);
    const spec = this.specs.get(backendName);
    if (spec && !spec.matchPath(path)) {
      throw new UnsafePathError(
        `path ${quoted} is not a POST operation of backend ${backendName}'s OpenAPI spec ` +
          `(declared: ${spec.postPaths.join(', ') || 'none'}); add it to ${spec.specPath} or fix the job's path`,
      );
    }
    const allowed = this.allowed.get(backendName);
    if (allowed && !allowed(path)) {
      throw new UnsafePathError(
        `path ${quoted} is not in backend ${backendName}'s allowedPaths ` +
          `(${this.byName.get(backendName)?.allowedPaths?.join(', ')}); add a prefix or pattern for it, or fix the job's path`,
      );
    }
    // A RunnerConfig built by hand skips the config check: refuse rather than call any path.
    const backend = this.byName.get(backendName);
    if (!spec && !allowed && backend && !backend.allowAnyPath) {
      throw new UnsafePathError(
        `backend ${backendName} has no OpenAPI spec and no allowedPaths: refusing path ${quoted}; ` +
          'configure allowedPaths (e.g. /hooks/, /users/{id}), or allowAnyPath: true to accept any path',
      );
    }
  }

  /** Backends without a spec that accept any path: `start` warns about them. */
  get backendsAllowingAnyPath(): string[] {
    return [...this.byName.values()].filter((b) => !b.specPath && !b.allowedPaths && b.allowAnyPath).map((b) => b.name);
  }

  /**
   * The path's template for metrics labels: the spec operation or the allowedPaths entry it
   * matches, else OTHER_PATH_LABEL (raw paths would make the labels unbounded).
   */
  pathLabel(backendName: string, path: string): string {
    const template = this.specs.get(backendName)?.matchPath(path)?.template;
    if (template) return template;
    return this.byName.get(backendName)?.allowedPaths?.find((entry) => allowedPathMatcher([entry])(path)) ?? OTHER_PATH_LABEL;
  }

  validatePayload(backendName: string, path: string, payload: unknown): PayloadCheck {
    const spec = this.specs.get(backendName);
    const match = spec?.matchPath(path);
    if (!spec || !match) return { ok: true };
    return spec.validatePayload(match.template, payload);
  }
}
