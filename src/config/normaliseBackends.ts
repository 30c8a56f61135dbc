// Shared backend normalisation: default task queue, one name/table per backend, and the
// programmatic (camelCase) backend list used by configFromObject and overrides.
import path from 'node:path';
import { z } from 'zod';
import type { BackendConfig, JobLimits } from '../core/interfaces.js';
import { configError, dotted, parseWith } from './configErrors.js';
import { objectBackend } from './schema.js';
import { LIMIT_DEFAULTS } from '../core/jobLimits.js';

/** Fills the defaults every source shares: the task queue and each limit not given. */
export function finishBackend(
  b: Omit<BackendConfig, 'taskQueue' | 'limits'> & { taskQueue?: string; limits?: Partial<JobLimits> | undefined },
): BackendConfig {
  const given = Object.fromEntries(Object.entries(b.limits ?? {}).filter(([, value]) => value !== undefined && value !== null));
  return { ...b, taskQueue: b.taskQueue ?? `spooky-temporal.${b.name}`, limits: { ...LIMIT_DEFAULTS, ...given } };
}

/** Each outbox table (and each name) belongs to exactly one backend. */
export function checkUnique(
  backends: BackendConfig[],
  source: string,
  keyOf: (index: number, field: 'name' | 'table') => string,
  secrets: readonly string[],
): void {
  for (const field of ['name', 'table'] as const) {
    const seen = new Map<string, number>();
    backends.forEach((backend, index) => {
      const previous = seen.get(backend[field]);
      if (previous !== undefined) {
        throw configError(
          source,
          keyOf(index, field),
          field === 'table'
            ? `table "${backend.table}" is already used by backend "${backends[previous]?.name}": each outbox table belongs to one backend; give each backend its own table`
            : `backend name "${backend.name}" is used twice: give each backend a unique name`,
          secrets,
        );
      }
      seen.set(backend[field], index);
    });
  }
}

/**
 * Without an OpenAPI spec nothing limits the paths jobs name, so a spec-less backend must say
 * which paths it serves (`allowedPaths`) or accept any path explicitly (`allowAnyPath: true`).
 */
export function checkPathPolicy(
  backends: BackendConfig[],
  source: string,
  keyOf: (index: number, field: 'spec' | 'allowedPaths' | 'allowAnyPath') => string,
  secrets: readonly string[],
): void {
  backends.forEach((backend, index) => {
    if (backend.allowAnyPath && backend.allowedPaths) {
      throw configError(
        source,
        keyOf(index, 'allowAnyPath'),
        `backend "${backend.name}" sets both ${keyOf(index, 'allowedPaths')} and ${keyOf(index, 'allowAnyPath')}: keep one (allowedPaths limits the paths, allowAnyPath accepts any)`,
        secrets,
      );
    }
    if (backend.specPath || backend.allowedPaths || backend.allowAnyPath) return;
    throw configError(
      source,
      keyOf(index, 'allowedPaths'),
      `backend "${backend.name}" has no OpenAPI spec, so nothing limits the paths its jobs may call: ` +
        `list them in ${keyOf(index, 'allowedPaths')} (prefixes such as /hooks/ or patterns such as /users/{id}), ` +
        `or set ${keyOf(index, 'allowAnyPath')}: true to accept any path (start warns about it), or add ${keyOf(index, 'spec')}`,
      secrets,
    );
  });
}

export function normaliseObjectBackends(
  inputs: unknown,
  source: string,
  prefix: PropertyKey[],
  secrets: readonly string[],
): BackendConfig[] {
  const parsed = parseWith(z.array(objectBackend, { error: 'expected an array of backend objects' }), inputs, source, prefix, secrets);
  const backends = parsed.map((b) =>
    finishBackend({
      name: b.name,
      table: b.table,
      baseUrl: b.baseUrl,
      ...(b.authToken ? { authToken: b.authToken } : {}),
      timeoutSeconds: b.timeoutSeconds,
      timeoutOverridable: b.timeoutOverridable,
      ...(b.specPath ? { specPath: path.resolve(b.specPath) } : {}),
      ...(b.allowedPaths ? { allowedPaths: b.allowedPaths } : {}),
      ...(b.allowAnyPath ? { allowAnyPath: true } : {}),
      concurrency: b.concurrency,
      maxRetriesLimit: b.maxRetriesLimit,
      backoffBaseMs: b.backoffBaseMs,
      backoffMaxMs: b.backoffMaxMs,
      ...(b.taskQueue ? { taskQueue: b.taskQueue } : {}),
      limits: b.limits,
    }),
  );
  checkUnique(backends, source, (i, field) => `${dotted([...prefix, i])}.${field}`, secrets);
  checkPathPolicy(backends, source, (i, field) => `${dotted([...prefix, i])}.${field === 'spec' ? 'specPath' : field}`, secrets);
  return backends;
}
