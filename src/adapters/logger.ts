// Structured logs (pino). Secrets are redacted by key wherever they might appear, and every
// configured secret is scrubbed from each finished line: pino's `redact` sees keys, not text
// inside a message or an error a backend sent back.
import { pino, type DestinationStream, type Logger } from 'pino';
import { secretScrubber } from '../core/redactSecrets.js';

export const REDACT_PATHS = [
  'authToken',
  '*.authToken',
  'password',
  '*.password',
  'authorization',
  '*.authorization',
  'headers.authorization',
  'apiKey',
  '*.apiKey',
];

export interface LoggerOptions {
  level?: string;
  name?: string;
  /** Values scrubbed from every line (backend tokens, the database password): see `configSecrets`. */
  secrets?: Iterable<string | undefined>;
  /** Where lines go; default stdout. */
  destination?: DestinationStream;
}

export function createLogger(options: LoggerOptions = {}): Logger {
  const destination = options.destination ?? pino.destination(1);
  const scrub = secretScrubber(options.secrets ?? []);
  const stream: DestinationStream = scrub.active ? { write: (line: string) => destination.write(scrub.text(line)) } : destination;
  return pino(
    {
      name: options.name ?? 'spooky-temporal',
      level: options.level ?? process.env['LOG_LEVEL'] ?? 'info',
      redact: { paths: REDACT_PATHS, censor: '[redacted]' },
    },
    stream,
  );
}

/** For tests and embedders that want silence. */
export function silentLogger(): Logger {
  return pino({ level: 'silent' });
}
