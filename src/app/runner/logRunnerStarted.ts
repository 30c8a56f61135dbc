// What a started runner tells the operator: what it connected to and serves, and a warning for
// a backend a job may call on any path.
import type { Logger } from 'pino';
import type { RunnerConfig } from '../../core/interfaces.js';
import { redactUrl } from '../../adapters/db/connect.js';
import { temporalSecurity } from '../../adapters/temporal/temporalTls.js';
import type { BackendRegistry } from '../../config/backendRegistry.js';
import type { RunnerMode } from './runnerTypes.js';

export function logRunnerStarted(logger: Logger, config: RunnerConfig, registry: BackendRegistry, mode: RunnerMode, queues: string[]): void {
  const anyPath = registry.backendsAllowingAnyPath;
  if (anyPath.length > 0) {
    logger.warn(
      { backends: anyPath },
      `backend ${anyPath.join(', ')} has no OpenAPI spec and allowAnyPath: true, so a job may POST to any of its paths (/admin too): list its paths in allowedPaths instead`,
    );
  }
  logger.info(
    {
      mode,
      surreal: redactUrl(config.surreal.url),
      temporal: config.temporal.address,
      temporalSecurity: temporalSecurity(config.temporal),
      payloadEncryption: payloadEncryption(config),
      ...(config.surreal.authLevel ? { surrealAuthLevel: config.surreal.authLevel } : {}),
      backends: config.backends.map((b) => `${b.name} (table ${b.table}, task queue ${b.taskQueue})`),
      queues: mode === 'bridge' ? [] : queues,
    },
    'runner started',
  );
}

/** Key ids only, never keys: which key encrypts new payloads, and which others still decrypt. */
function payloadEncryption(config: RunnerConfig): string {
  const ids = config.temporal.codec?.keys.map((k) => k.id) ?? [];
  if (ids.length === 0) return 'off (payloads in clear)';
  const older = ids.slice(0, -1);
  return `AES-256-GCM with key ${ids.at(-1)}${older.length ? ` (also decrypts ${older.join(', ')})` : ''}`;
}
