// Structured logs (pino). Secrets are redacted by key wherever they might appear.
import { pino, type Logger } from 'pino';

export const REDACT_PATHS = [
  'authToken',
  '*.authToken',
  'password',
  '*.password',
  'authorization',
  '*.authorization',
  'headers.authorization',
];

export function createLogger(options: { level?: string; name?: string } = {}): Logger {
  return pino({
    name: options.name ?? 'spooky-temporal',
    level: options.level ?? process.env['LOG_LEVEL'] ?? 'info',
    redact: { paths: REDACT_PATHS, censor: '[redacted]' },
  });
}

/** For tests and embedders that want silence. */
export function silentLogger(): Logger {
  return pino({ level: 'silent' });
}
